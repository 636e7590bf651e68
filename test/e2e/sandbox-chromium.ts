import { existsSync } from 'node:fs';

/** Debian's chromium package, which CI installs; playwright-core drives it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when no Chromium is installed; CI must have one, so there this is never skipped. */
export function chromiumMissing(): boolean {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.CI)
    throw new Error(
      `CI must run the browser test, but ${CHROMIUM_PATH} is missing (apt-get install chromium)`,
    );
  console.warn(`[sandbox-browser] SKIPPED: no Chromium at ${CHROMIUM_PATH}`);
  return true;
}
