import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { type KubeObject, only, ROOT, renderOverlay } from './render-overlay.ts';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts', 'deploy-config.mjs');

/** Runs `npm run deploy:config` (the script itself); its exit code and output. */
async function deployConfig(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('scripts/deploy-config.mjs: the ConfigMap copy of the configuration', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'mc-deploy-config-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('ships deploy/config identical to catalog.yml, commands/, playbooks/ and signing/', async () => {
    const { code, output } = await deployConfig(['--check']);
    expect(output).toMatch(/deploy\/config matches \(\d+ files\)/);
    expect(code).toBe(0);
  });

  it('names every file that drifted, and a run brings the copy back in line', async () => {
    const root = path.join(scratch, 'drift');
    for (const entry of ['catalog.yml', 'commands', 'playbooks', 'signing', 'deploy/config']) {
      await cp(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
    }
    const playbook = path.join(root, 'playbooks', 'triage', 'oom-killed.yml');
    await writeFile(playbook, `${await readFile(playbook, 'utf8')}# tuned\n`);
    await writeFile(path.join(root, 'commands', 'extra.yml'), 'name: extra\n');
    await writeFile(path.join(root, 'signing', 'keys', 'release.pem'), 'a public key\n');
    await rm(path.join(root, 'playbooks', 'drills', 'pod-kill.yml'));

    const drifted = await deployConfig(['--check', '--root', root]);
    expect(drifted.code).toBe(1);
    expect(drifted.output).toContain('differs: playbooks/triage/oom-killed.yml');
    expect(drifted.output).toContain('missing: commands/extra.yml');
    expect(drifted.output).toContain('missing: signing/keys/release.pem');
    expect(drifted.output).toContain('extra: playbooks/drills/pod-kill.yml');
    expect(drifted.output).toContain('Run: npm run deploy:config');

    expect((await deployConfig(['--root', root])).code).toBe(0);
    expect(await deployConfig(['--check', '--root', root])).toMatchObject({ code: 0 });
    const kustomization = await readFile(
      path.join(root, 'deploy', 'config', 'kustomization.yaml'),
      'utf8',
    );
    expect(kustomization).toContain('commands--extra.yml=commands/extra.yml');
    expect(kustomization).not.toContain('pod-kill');
  });

  it('mounts a ConfigMap from which the bot loads the same configuration as from the repository', async () => {
    const objects = await renderOverlay('single');
    const deployment = only(objects, 'Deployment', 'mc');
    const volume = deployment.spec.template.spec.volumes.find(
      (v: KubeObject) => v.name === 'config',
    );
    const configMap = only(objects, 'ConfigMap', volume.configMap.name);
    const mount = deployment.spec.template.spec.containers[0].volumeMounts.find(
      (m: KubeObject) => m.name === 'config',
    );
    const configDir = deployment.spec.template.spec.containers[0].env.find(
      (e: KubeObject) => e.name === 'MC_CONFIG_DIR',
    );
    expect(configDir.value).toBe(mount.mountPath);

    // What the kubelet writes into the volume: each listed key at its path.
    const mounted = path.join(scratch, 'mounted');
    for (const item of volume.configMap.items as { key: string; path: string }[]) {
      expect(configMap.data[item.key], item.key).toBeTypeOf('string');
      await mkdir(path.dirname(path.join(mounted, item.path)), { recursive: true });
      await writeFile(path.join(mounted, item.path), configMap.data[item.key]);
    }
    expect(Object.keys(configMap.data).sort()).toEqual(
      volume.configMap.items.map((i: KubeObject) => i.key).sort(),
    );

    const fromCluster = await loadConfig(mounted);
    const fromRepo = await loadConfig(ROOT);
    if (!fromCluster.ok || !fromRepo.ok) throw new Error('the configuration does not load');
    expect([...fromCluster.config.commands.keys()].sort()).toEqual(
      [...fromRepo.config.commands.keys()].sort(),
    );
    expect(fromCluster.config.catalog).toEqual(fromRepo.config.catalog);
    expect(fromCluster.config.playbooks).toEqual(fromRepo.config.playbooks);
    expect(fromCluster.config.vocabulary.length).toBe(fromRepo.config.vocabulary.length);
    expect(fromCluster.config.playbookTests).toEqual([]);
  });

  it('fits the ConfigMap within the 1 MiB Kubernetes allows', async () => {
    const objects = await renderOverlay('ha');
    const volume = only(objects, 'Deployment', 'mc').spec.template.spec.volumes.find(
      (v: KubeObject) => v.name === 'config',
    );
    const configMap = only(objects, 'ConfigMap', volume.configMap.name);
    const bytes = Object.values(configMap.data as Record<string, string>).reduce(
      (sum, text) => sum + Buffer.byteLength(text),
      0,
    );
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});
