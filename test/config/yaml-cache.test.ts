import { chmod, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatConfigErrors, loadConfig } from '../../src/config/load-config.ts';
import { readYaml } from '../../src/config/read-yaml.ts';
import { isPlainJson } from '../../src/config/yaml-cache.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the repo's commands and catalog (no playbooks), and an empty cache dir. */
async function copyOfConfig(): Promise<{ dir: string; cacheDir: string }> {
  const dir = await temp('mc-yaml-cache-');
  await cp(path.join(REPO_ROOT, 'commands'), path.join(dir, 'commands'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'catalog.yml'), path.join(dir, 'catalog.yml'));
  return { dir, cacheDir: path.join(await temp('mc-yaml-cache-dir-'), 'config') };
}

describe('config/yaml-cache', () => {
  it('gives the same config from the cache as from the YAML, one entry per file', async () => {
    const { dir, cacheDir } = await copyOfConfig();
    const parsed = await loadConfig(dir, { cacheDir });
    const entries = await readdir(cacheDir);
    const cached = await loadConfig(dir, { cacheDir });
    expect(parsed.ok).toBe(true);
    expect(cached).toEqual(parsed);
    expect(entries).toHaveLength((await readdir(path.join(dir, 'commands'))).length + 1);
    expect(await readdir(cacheDir)).toEqual(entries);
  });

  it('reads a changed file again, and still reports errors with their lines', async () => {
    const { dir, cacheDir } = await copyOfConfig();
    const help = path.join(dir, 'commands/help.yml');
    const text = await readFile(help, 'utf8');
    await writeFile(help, `${text}\ncolour: blue\n`);
    const first = await loadConfig(dir, { cacheDir });
    // The entry now matches: the second run reads it, and must find the same line on demand.
    const second = await loadConfig(dir, { cacheDir });
    for (const result of [first, second]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(formatConfigErrors(result.errors)).toMatch(
        /^commands\/help\.yml: colour: unknown key.*\(line \d+\)$/m,
      );
    }
    expect(second).toEqual(first);
    await writeFile(help, text);
    expect((await loadConfig(dir, { cacheDir })).ok).toBe(true);
  });

  it('ignores an entry other users could have written', async () => {
    const { dir, cacheDir } = await copyOfConfig();
    const file = path.join(dir, 'catalog.yml');
    const yaml = await readYaml(file, 'catalog.yml', cacheDir);
    const [entry] = await readdir(cacheDir);
    const entryPath = path.join(cacheDir, entry!);
    const stored = JSON.parse(await readFile(entryPath, 'utf8'));
    await writeFile(entryPath, JSON.stringify({ ...stored, data: { planted: true } }));
    expect((await readYaml(file, 'catalog.yml', cacheDir)).data).toEqual({ planted: true });
    await chmod(entryPath, 0o666);
    expect((await readYaml(file, 'catalog.yml', cacheDir)).data).toEqual(yaml.data);
  });

  it('does not cache data JSON would change (NaN, infinities, -0)', async () => {
    const dir = await temp('mc-yaml-cache-nan-');
    const cacheDir = path.join(dir, 'cache');
    const file = path.join(dir, 'numbers.yml');
    await writeFile(file, 'a: .nan\nb: -.inf\nc: -0.0\n');
    for (let round = 0; round < 2; round += 1) {
      const { data } = await readYaml(file, 'numbers.yml', cacheDir);
      expect(data).toEqual({ a: Number.NaN, b: Number.NEGATIVE_INFINITY, c: -0 });
      expect(Object.is((data as { c: number }).c, -0)).toBe(true);
    }
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
    expect(isPlainJson({ a: [1, 'x', null, true, { b: 2.5 }] })).toBe(true);
  });
});
