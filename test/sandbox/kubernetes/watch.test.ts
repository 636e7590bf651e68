import { makeInformer, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../../../src/sandbox/kubernetes/index.ts';
import { type KubeClients, startKube } from '../../support/kube.ts';
import { deployment } from './fixtures.ts';
import { openWatch, type SeenEvent, type WatchStream } from './watch-stream.ts';

const CMS = '/api/v1/namespaces/shop/configmaps';

function configMap(name: string, labels: Record<string, string> = {}) {
  return { metadata: { name, labels }, data: { mode: 'on' } };
}

const named = (type: string, name: string) => (e: SeenEvent) =>
  e.type === type && e.object.metadata?.name === name;

describe('sandbox/kubernetes: watch', () => {
  let kube: KubeClients & { emulator: KubeEmulator };
  const streams: WatchStream[] = [];
  afterEach(async () => {
    for (const s of streams.splice(0)) s.stop();
    await kube.emulator.close();
  });
  async function watch(path: string, query: Record<string, string | number | boolean> = {}) {
    const stream = await openWatch(kube.kc, path, query);
    streams.push(stream);
    return stream;
  }

  it('starts with ADDED for what exists, then streams MODIFIED and DELETED with rising resourceVersions', async () => {
    kube = await startKube({ autoTick: false });
    await kube.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('flags') });
    const stream = await watch(CMS);
    const [added] = await stream.until(named('ADDED', 'flags'));
    expect(added?.object.kind).toBe('ConfigMap');
    expect(added?.object.apiVersion).toBe('v1');

    await kube.core.patchNamespacedConfigMap({
      name: 'flags',
      namespace: 'shop',
      body: [{ op: 'replace', path: '/data/mode', value: 'off' }],
    });
    const [modified] = await stream.until(named('MODIFIED', 'flags'));
    expect(modified?.object.data).toEqual({ mode: 'off' });
    await kube.core.deleteNamespacedConfigMap({ name: 'flags', namespace: 'shop' });
    const [deleted] = await stream.until(named('DELETED', 'flags'));
    const versions = [added, modified, deleted].map((e) =>
      Number(e?.object.metadata?.resourceVersion),
    );
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
    expect(stream.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('resumes from a list resourceVersion: only the changes after it, no replay of what the list had', async () => {
    kube = await startKube({ autoTick: false });
    await kube.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('old') });
    const list = await kube.core.listNamespacedConfigMap({ namespace: 'shop' });
    await kube.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('new') });
    const stream = await watch(CMS, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    await kube.core.deleteNamespacedConfigMap({ name: 'old', namespace: 'shop' });
    await stream.until(named('DELETED', 'old'));
    expect(stream.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED new',
      'DELETED old',
    ]);
  });

  it('answers a resourceVersion older than the kept changes with an ERROR event: 410 Expired', async () => {
    kube = await startKube({ autoTick: false, watchCacheSize: 2 });
    const list = await kube.core.listNamespacedConfigMap({ namespace: 'shop' });
    for (const name of ['a', 'b', 'c'])
      await kube.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap(name) });
    const stream = await watch(CMS, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    const [error] = await stream.until((e) => e.type === 'ERROR');
    expect(error?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(error?.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    expect(await stream.ended).toBeNull();
  });

  it('refuses a resourceVersion that is not a number with 400, before streaming', async () => {
    kube = await startKube({ autoTick: false });
    const stream = await watch(CMS, { resourceVersion: 'yesterday' });
    expect(await stream.ended).toMatchObject({ statusCode: 400 });
    expect(stream.events).toEqual([]);
  });

  it('sends DELETED when an object stops matching the label selector and ADDED when it starts', async () => {
    kube = await startKube({ autoTick: false });
    await kube.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: configMap('flags', { tier: 'web' }),
    });
    const stream = await watch(CMS, { labelSelector: 'tier=web' });
    await stream.until(named('ADDED', 'flags'));
    const relabel = (tier: string) =>
      kube.core.patchNamespacedConfigMap({
        name: 'flags',
        namespace: 'shop',
        body: [{ op: 'replace', path: '/metadata/labels/tier', value: tier }],
      });
    await relabel('db');
    await stream.until(named('DELETED', 'flags'));
    await relabel('web');
    await stream.until(named('ADDED', 'flags'), 2);
    expect(stream.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('sends BOOKMARKs when allowed, marks the end of initial events, and ends at timeoutSeconds', async () => {
    kube = await startKube({ autoTick: false, bookmarkMs: 20 });
    await kube.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('flags') });
    const stream = await watch(CMS, {
      allowWatchBookmarks: true,
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 1,
    });
    const [initialEnd] = await stream.until((e) => e.type === 'BOOKMARK');
    expect(initialEnd?.object.metadata?.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
    expect(stream.events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'flags' } },
    });
    await stream.until((e) => e.type === 'BOOKMARK' && !e.object.metadata?.annotations, 1);
    expect(await stream.ended).toBeNull();
    const last = stream.events.at(-1);
    expect(last?.type).toBe('BOOKMARK');
    expect(last?.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it("feeds client-node's informer (list, then watch) until every pod of a rollout is Ready", async () => {
    kube = await startKube({ tickMs: 10 });
    const path = '/api/v1/namespaces/shop/pods';
    const informer = makeInformer<V1Pod>(
      kube.kc,
      path,
      () => kube.core.listNamespacedPod({ namespace: 'shop' }),
      'app=checkout',
    );
    const ready = (p: V1Pod) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const allReady = new Promise<V1Pod[]>((resolve) => {
      informer.on('update', () => {
        const pods = informer.list('shop');
        if (pods.length === 3 && pods.every(ready)) resolve([...pods]);
      });
    });
    await informer.start();
    await kube.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('checkout', 'reg/checkout:v1'),
    });
    const pods = await allReady;
    await informer.stop();
    expect(pods.map((p) => p.metadata?.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^checkout-[a-z0-9]+-[a-z0-9]{5}$/)]),
    );
    expect(kube.emulator.unexpected).toEqual([]);
  });
});
