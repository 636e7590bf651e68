import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Names our messages use that Slack knows but iamcal's table spells differently.
const EXTRA: Record<string, string> = { pause_button: '⏸️', stop_button: '⏹️' };

let table: Map<string, string> | undefined;

/**
 * Slack's emoji shortcodes (`page_facing_up` → 📄), from iamcal's emoji-datasource: the
 * table Slack itself is built on. Loaded once, on first use.
 */
export function emojiTable(): Map<string, string> {
  if (table) return table;
  const rows = JSON.parse(readFileSync(require.resolve('emoji-datasource/emoji.json'), 'utf8')) as {
    unified: string;
    short_names: string[];
  }[];
  table = new Map(Object.entries(EXTRA));
  for (const row of rows) {
    const char = String.fromCodePoint(
      ...row.unified.split('-').map((hex) => Number.parseInt(hex, 16)),
    );
    for (const name of row.short_names) table.set(name, char);
  }
  return table;
}

/** The character for a shortcode without colons, or undefined when Slack would not know it. */
export function emojiFor(name: string): string | undefined {
  return emojiTable().get(name);
}

/**
 * Where the self-hosted Noto Emoji font lives (its CSS and the woff2 files). The monochrome
 * face, because headless Chromium draws the colour face's COLRv1 glyphs blank.
 */
export function emojiFontDir(): string {
  return require.resolve('@fontsource/noto-emoji/package.json').replace(/package\.json$/, '');
}
