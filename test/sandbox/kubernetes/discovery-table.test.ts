import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/sandbox/kubernetes/human-duration.ts';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';
import { deployment } from './fixtures.ts';

/** The Accept header kubectl 1.32 sends for `kubectl get`. */
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Table {
  kind: string;
  apiVersion: string;
  columnDefinitions: { name: string; type: string; priority: number }[];
  rows: { cells: unknown[]; object?: { kind: string; metadata: { name: string } } }[];
}

describe('sandbox/kubernetes: discovery and server-side printing', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  beforeEach(async () => {
    // A whole-second start, so ages do not depend on the millisecond the test began.
    kube = await startKube({ autoTick: false, startTime: new Date('2026-03-01T09:00:00Z') });
  });
  afterEach(async () => {
    await kube.emulator.close();
  });

  async function table(path: string, query = ''): Promise<Table> {
    const response = await fetch(`${kube.emulator.url}${path}${query}`, {
      headers: { accept: TABLE_ACCEPT, authorization: 'Bearer kube-emulator-token' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Table;
  }

  it('lists short names, categories and verbs as the API server does', async () => {
    const core = await kube.kc.makeApiClient(CoreV1Api).getAPIResources();
    const apps = await kube.kc.makeApiClient(AppsV1Api).getAPIResources();
    const byName = new Map([...core.resources, ...apps.resources].map((r) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({ shortNames: ['po'], categories: ['all'] });
    expect(byName.get('configmaps')).toMatchObject({ shortNames: ['cm'] });
    expect(byName.get('configmaps')?.categories).toBeUndefined();
    expect(byName.get('deployments')).toMatchObject({
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(byName.get('replicasets')).toMatchObject({ shortNames: ['rs'], categories: ['all'] });
    expect(byName.get('deployments')?.verbs).toEqual(
      expect.arrayContaining(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
    );
    expect(byName.get('deployments/scale')).toMatchObject({ group: 'autoscaling', kind: 'Scale' });
    const groups = (await (await fetch(`${kube.emulator.url}/apis`)).json()) as {
      groups: unknown[];
    };
    expect(groups.groups).toContainEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
  });

  it('prints Deployments and ReplicaSets with the real columns and counts', async () => {
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    kube.emulator.tick(3);
    const deploys = await table('/apis/apps/v1/namespaces/shop/deployments');
    expect(deploys).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(deploys.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    expect(deploys.rows[0]?.cells).toEqual([
      'checkout',
      '3/3',
      3,
      3,
      '0s',
      'app',
      'reg/checkout:v1',
      'app=checkout',
    ]);
    expect(deploys.rows[0]?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'checkout' },
    });
    const sets = await table('/apis/apps/v1/namespaces/shop/replicasets');
    expect(sets.columnDefinitions.slice(0, 5).map((c) => c.name)).toEqual([
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Age',
    ]);
    expect(sets.rows[0]?.cells.slice(1, 4)).toEqual([3, 3, 3]);
  });

  it('prints a crash-looping pod as the pod printer does: 0/1, CrashLoopBackOff, restarts with when', async () => {
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v2-bad', 1),
    });
    kube.emulator.tick(4);
    kube.emulator.advanceTime(90_000);
    const pods = await table('/api/v1/namespaces/shop/pods', '?includeObject=None');
    const [name, ready, status, restarts, age] = pods.rows[0]?.cells ?? [];
    expect(name).toMatch(/^checkout-/);
    expect([ready, status]).toEqual(['0/1', 'CrashLoopBackOff']);
    expect(restarts).toMatch(/^\d+ \(90s ago\)$/);
    expect(age).toBe('90s');
    expect(pods.rows[0]?.object).toBeUndefined();
  });

  it('prints ConfigMaps with their data count and Rollouts with the CRD printer columns', async () => {
    await kube.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'flags' }, data: { a: '1', b: '2' } },
    });
    const cms = await table('/api/v1/namespaces/shop/configmaps/flags');
    expect(cms.rows.map((r) => r.cells)).toEqual([['flags', 2, '0s']]);
    await kube.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'shop',
      plural: 'rollouts',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web' },
        spec: { ...deployment('web', 'reg/web:v1', 2).spec, strategy: { canary: { steps: [] } } },
      },
    });
    const fresh = await table('/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts');
    expect(fresh.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Desired',
      'Current',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    // Before the controller writes status the CRD printer has no value: a null cell.
    expect(fresh.rows[0]?.cells).toEqual(['web', 2, null, null, null, '0s']);
    kube.emulator.tick(4);
    const settled = await table('/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts');
    expect(settled.rows[0]?.cells.slice(0, 5)).toEqual(['web', 2, 2, 2, 2]);
  });

  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3_600_000 + 60_000, '3h1m'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000 + 2 * 3_600_000, '3d2h'],
    [40 * 86_400_000, '40d'],
    [(2 * 365 + 3) * 86_400_000, '2y3d'],
  ])('prints an age of %i ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
