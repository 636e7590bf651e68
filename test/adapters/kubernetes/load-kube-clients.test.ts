import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  kubeClientsFor,
  kubeConfigPresent,
  loadDefaultKubeConfig,
} from '../../../src/adapters/kubernetes/load-kube-clients.ts';

const home = mkdtempSync(path.join(os.tmpdir(), 'mc-kube-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('src/adapters/kubernetes/load-kube-clients', () => {
  it('without any kubeconfig there is no KubeConfig and every context is unknown', async () => {
    const env = { KUBECONFIG: '', HOME: home };
    expect(kubeConfigPresent(env)).toBe(false);
    const kubeConfig = await loadDefaultKubeConfig(env);
    expect(kubeConfig).toBeUndefined();
    const kube = await kubeClientsFor(kubeConfig);
    expect(kube.contexts()).toEqual([]);
    expect(() => kube.forContext('staging')).toThrow(
      'the kubeconfig has no context "staging" (known: none). Check KUBECONFIG and the contexts in catalog.yml.',
    );
  });

  it('a KUBECONFIG file is loaded with its contexts, and ~/.kube/config counts as one', async () => {
    const file = path.join(home, 'kc.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c1, cluster: {server: "https://127.0.0.1:6443"}}]',
        'users: [{name: u1, user: {token: t}}]',
        'contexts: [{name: staging, context: {cluster: c1, user: u1}}]',
        'current-context: staging',
        '',
      ].join('\n'),
    );
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      const kube = await kubeClientsFor(await loadDefaultKubeConfig({ KUBECONFIG: file }));
      expect(kube.contexts()).toEqual(['staging']);
      expect(kube.forContext('staging').context).toBe('staging');
      expect(() => kube.forContext('stagin')).toThrow(/Did you mean "staging"\?/);
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
    const dotKube = path.join(home, '.kube');
    expect(kubeConfigPresent({ KUBECONFIG: '', HOME: home })).toBe(false);
    mkdirSync(dotKube);
    writeFileSync(path.join(dotKube, 'config'), 'apiVersion: v1\nkind: Config\n');
    expect(kubeConfigPresent({ KUBECONFIG: '', HOME: home })).toBe(true);
  });
});
