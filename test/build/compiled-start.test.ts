import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { type Child, COMPILED_MAIN, startMain, waitForLine } from '../support/main-process.ts';
import { BOT_TOKEN, REPO_ROOT, SIGNING_SECRET } from '../support/slack.ts';

const DIST = path.join(REPO_ROOT, 'dist');
const HEAVY = ['@electric-sql/pglite', 'pg', '@slack/bolt', '@kubernetes/client-node'];

/** The specifiers a compiled module imports at load time (static imports and re-exports). */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g)) {
    found.push(m[1]!);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

/** Every dist file and package loaded, statically, when `entry` is imported. */
function loadedBy(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec));
      else if (!spec.startsWith('node:')) {
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!,
        );
      }
    }
  }
  return { files, packages };
}

beforeAll(() => {
  if (!fs.existsSync(COMPILED_MAIN)) {
    throw new Error(`${COMPILED_MAIN} is missing: run \`npm run build\` (npm test does)`);
  }
});

describe('compiled build (dist/)', () => {
  it('starts the bot without the sandbox or any TypeScript transform', () => {
    const { files, packages } = loadedBy(COMPILED_MAIN);
    expect(files.size).toBeGreaterThan(50);
    expect([...files].filter((f) => f.startsWith(path.join(DIST, 'sandbox')))).toEqual([]);
    expect([...files].filter((f) => !f.endsWith('.js'))).toEqual([]);
    expect(packages.has('tsx')).toBe(false);
    expect(packages.has('@slack/bolt')).toBe(true);
  });

  it('loads signing, chart rendering and PagerDuty only when they are first used', () => {
    const { packages } = loadedBy(COMPILED_MAIN);
    const lazy = ['@sigstore/sign', '@sigstore/verify', '@resvg/resvg-js', '@pagerduty/pdjs'];
    expect(lazy.filter((p) => packages.has(p))).toEqual([]);
  });

  it.each(['validate', 'evidence', 'triage', 'playbooks'])(
    '`mc %s` loads neither the store, Bolt nor client-node',
    (command) => {
      const { packages } = loadedBy(path.join(DIST, 'cli', `${command}.js`));
      const main = loadedBy(path.join(DIST, 'cli', 'main.js'));
      expect(HEAVY.filter((p) => packages.has(p) || main.packages.has(p))).toEqual([]);
    },
  );

  it('`mc --help` runs from dist/ with plain node', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.join(REPO_ROOT, 'bin/mc.js'),
      '--help',
    ]);
    expect(stdout).toMatch(/^Usage: mc <command>/);
    expect(stdout).toContain('mc validate');
  });
});

describe('npm start (node dist/main.js)', () => {
  const dirs: string[] = [];
  let child: Child | undefined;
  afterAll(async () => {
    if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz with the embedded store', async () => {
    const emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    try {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-compiled-'));
      dirs.push(dataDir);
      child = startMain(
        {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: emulator.apiUrl,
          MC_DATA_DIR: path.join(dataDir, 'data'),
          PORT: '0',
          HOST: '127.0.0.1',
        },
        true,
      );
      const started = JSON.parse(await waitForLine(child, /"mc started"/, 60_000));
      const base = `http://127.0.0.1:${started.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({
        checks: { store: 'ok (pglite)' },
      });
    } finally {
      await emulator.close();
    }
  }, 90_000);
});
