import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeObject,
  only,
  ROOT,
  renderKustomization,
  renderOverlay,
} from './render-overlay.ts';

function envOf(deployment: KubeObject, name: string): KubeObject | undefined {
  return deployment.spec.template.spec.containers[0].env.find((e: KubeObject) => e.name === name);
}

describe('deploy/overlays/single: one replica on the embedded store', () => {
  let objects: KubeObject[];
  let deployment: KubeObject;
  beforeAll(async () => {
    objects = await renderOverlay('single');
    deployment = only(objects, 'Deployment', 'mc');
  });

  it('runs one replica, replaced with Recreate because the data dir is locked by one process', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(envOf(deployment, 'DATABASE_URL')).toBeUndefined();
  });

  it('keeps MC_DATA_DIR on a PersistentVolumeClaim', () => {
    const dataDir: string = envOf(deployment, 'MC_DATA_DIR')?.value;
    const mount = deployment.spec.template.spec.containers[0].volumeMounts.find((m: KubeObject) =>
      dataDir.startsWith(`${m.mountPath}/`),
    );
    const volume = deployment.spec.template.spec.volumes.find(
      (v: KubeObject) => v.name === mount.name,
    );
    expect(volume).toEqual({ name: mount.name, persistentVolumeClaim: { claimName: 'mc-data' } });
    expect(only(objects, 'PersistentVolumeClaim', 'mc-data').spec.accessModes).toEqual([
      'ReadWriteOnce',
    ]);
  });

  it('does not block a node drain with a budget one replica cannot meet', () => {
    const budget = only(objects, 'PodDisruptionBudget', 'mc');
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.minAvailable).toBeUndefined();
  });
});

describe('deploy/overlays/ha: three replicas on PostgreSQL', () => {
  let objects: KubeObject[];
  let deployment: KubeObject;
  beforeAll(async () => {
    objects = await renderOverlay('ha');
    deployment = only(objects, 'Deployment', 'mc');
  });

  it('runs three replicas on DATABASE_URL from the Secret, rolling one at a time with none down', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(envOf(deployment, 'DATABASE_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mc-secrets', key: 'DATABASE_URL' },
    });
    const data = deployment.spec.template.spec.volumes.find((v: KubeObject) => v.name === 'data');
    expect(data.persistentVolumeClaim).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  it('keeps two replicas through voluntary disruptions and spreads them over nodes', () => {
    const budget = only(objects, 'PodDisruptionBudget', 'mc');
    expect(budget.spec).toMatchObject({ minAvailable: 2 });
    expect(budget.spec.maxUnavailable).toBeUndefined();
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const spread = deployment.spec.template.spec.topologySpreadConstraints;
    const byHost = spread.find((c: KubeObject) => c.topologyKey === 'kubernetes.io/hostname');
    expect(byHost).toMatchObject({
      maxSkew: 1,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
    });
  });

  it('checks the ledger nightly with the image of the bot, on the same database, holding no private key', () => {
    const job = only(objects, 'CronJob', 'mc-ledger-verify');
    const pod = job.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.volumes.filter((v: KubeObject) => v.secret)).toEqual([]);
    expect(container.command.slice(0, 4)).toEqual(['mc', 'ledger', 'verify', '--key']);
    expect(container.image).toBe(deployment.spec.template.spec.containers[0].image);
    expect(container.env).toEqual([envOf(deployment, 'DATABASE_URL')]);
  });
});

describe('deploy/components/kubeconfig: environments in other clusters', () => {
  let dir: string;
  let deployment: KubeObject;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-kubeconfig-overlay-'));
    const from = (...parts: string[]) => path.relative(dir, path.join(ROOT, 'deploy', ...parts));
    await writeFile(
      path.join(dir, 'kustomization.yaml'),
      `resources: [${from('overlays', 'ha')}]\ncomponents: [${from('components', 'kubeconfig')}]\n`,
    );
    deployment = only(await renderKustomization(dir), 'Deployment', 'mc');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads KUBECONFIG from the Secret mc-kubeconfig and mounts no ServiceAccount token', () => {
    const pod = deployment.spec.template.spec;
    const file: string = envOf(deployment, 'KUBECONFIG')?.value;
    const mount = pod.containers[0].volumeMounts.find((m: KubeObject) =>
      file.startsWith(`${m.mountPath}/`),
    );
    expect(mount.readOnly).toBe(true);
    const volume = pod.volumes.find((v: KubeObject) => v.name === mount.name);
    expect(volume.secret.secretName).toBe('mc-kubeconfig');
    expect(`${mount.mountPath}/${volume.secret.items[0].path}`).toBe(file);
    expect(pod.automountServiceAccountToken).toBe(false);
  });
});
