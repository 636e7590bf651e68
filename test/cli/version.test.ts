import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { REPO_ROOT } from '../support/slack.ts';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** Every installed package's manifest, scoped ones included. */
function installed(): { name: string; scripts?: Record<string, string> }[] {
  const root = path.join(REPO_ROOT, 'node_modules');
  const dirs = readdirSync(root).flatMap((d) =>
    d.startsWith('@') ? readdirSync(path.join(root, d)).map((s) => `${d}/${s}`) : [d],
  );
  return dirs.flatMap((d) => {
    try {
      return [JSON.parse(readFileSync(path.join(root, d, 'package.json'), 'utf8'))];
    } catch {
      return [];
    }
  });
}

describe('src/cli/main: version and how it is run', () => {
  it('mc --version prints the package version', async () => {
    let out = '';
    const code = await main(['--version'], {
      stdout: (t) => {
        out += t;
      },
      stderr: () => {},
      cwd: REPO_ROOT,
      env: {},
    });
    expect(code).toBe(0);
    expect(out).toBe(`mc ${pkg.version}\n`);
  });

  it('npx mc runs the project’s own bin (what `npx mc sandbox` relies on)', async () => {
    const { stdout } = await run('npx', ['--no-install', 'mc', '--version'], { cwd: REPO_ROOT });
    expect(stdout.trim()).toBe(`mc ${pkg.version}`);
  }, 60_000);

  it('every installed dependency with an install script is declared in allowScripts', () => {
    const withScripts = installed()
      .filter((p) => ['preinstall', 'install', 'postinstall'].some((s) => p.scripts?.[s]))
      .map((p) => p.name);
    expect(withScripts).toContain('esbuild');
    for (const name of withScripts) expect(pkg.allowScripts?.[name]).toBe(true);
  });
});
