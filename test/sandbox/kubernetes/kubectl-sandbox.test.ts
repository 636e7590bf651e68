import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import {
  catalogContexts,
  RELEASES,
  type SeededWorkload,
  seedCluster,
} from '../../../src/sandbox/seed-cluster.ts';
import { loadRepoConfig } from '../../support/slack.ts';
import { cells, type KubectlResult, kubectl, kubectlMissing } from './kubectl-runner.ts';

const missing = kubectlMissing();
const required = process.env.CI === 'true';
if (missing && !required) console.warn(`kubectl against the sandbox cluster skipped: ${missing}`);

const revisions = (output: string) =>
  output
    .split('\n')
    .map((line) => /^(\d+)\s/.exec(line.trim())?.[1])
    .filter((r) => r !== undefined);

describe.skipIf(missing !== undefined && !required)(
  'kubectl against the seeded sandbox cluster',
  () => {
    let kube: KubeEmulator;
    let home: string;
    let deployment: SeededWorkload;
    let rollout: SeededWorkload;
    const run = async (w: SeededWorkload, args: string[]): Promise<KubectlResult> => {
      const result = await kubectl(home, [
        ...args,
        `--context=${w.context}`,
        `--namespace=${w.namespace}`,
      ]);
      expect(result.stderr).not.toMatch(/Failed to watch|Unhandled Error|the server rejected/);
      return result;
    };

    beforeAll(async () => {
      if (missing) throw new Error(`CI=true needs kubectl 1.32 for this test: ${missing}`);
      const { catalog } = await loadRepoConfig();
      // As `npm run sandbox` starts it: plain http, RBAC off, one cluster per catalog context.
      kube = await startKubeEmulator({ tickMs: 20 });
      const seeded = await seedCluster(kube, catalog);
      const byKind = (kind: string) => seeded.find((w) => w.kind === kind && w.replicas === 3);
      const [d, r] = [byKind('Deployment'), byKind('Rollout')];
      if (!d || !r) throw new Error('the catalog lost its protected Deployment or Rollout');
      [deployment, rollout] = [d, r];
      home = mkdtempSync(join(tmpdir(), 'kubectl-sandbox-'));
      const kc = kubeConfigFor(kube, catalogContexts(catalog), { clusterPerContext: true });
      writeFileSync(join(home, 'kubeconfig'), kc.exportConfig());
    });
    afterAll(async () => {
      await kube?.close();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('shows READY, UP-TO-DATE and AVAILABLE for a seeded Deployment, by its short name', async () => {
      const result = await run(deployment, ['get', 'deploy']);
      expect(result.code).toBe(0);
      const table = cells(result.stdout, deployment.name);
      expect(table[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      expect(table).toContainEqual([deployment.name, '3/3', '3', '3', '<age>']);
      const wide = await run(deployment, ['get', 'deploy', deployment.name, '-o', 'wide']);
      expect(wide.stdout).toContain(deployment.images.at(-1));
    });

    it('lists the three seeded releases, then undo renumbers the reused one as a real cluster does', async () => {
      const name = `deployment/${deployment.name}`;
      expect(revisions((await run(deployment, ['rollout', 'history', name])).stdout)).toEqual(
        RELEASES.map((_, i) => String(i + 1)),
      );
      const undo = await run(deployment, ['rollout', 'undo', name]);
      expect(undo.stdout.trim()).toBe(`deployment.apps/${deployment.name} rolled back`);
      const status = await run(deployment, ['rollout', 'status', name, '--timeout=60s']);
      expect([status.code, status.stdout.trim().split('\n').at(-1)]).toEqual([
        0,
        `deployment "${deployment.name}" successfully rolled out`,
      ]);
      expect(revisions((await run(deployment, ['rollout', 'history', name])).stdout)).toEqual([
        '1',
        '3',
        '4',
      ]);
      const image = await run(deployment, [
        'get',
        name,
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ]);
      expect(image.stdout).toBe(deployment.images[1]);
    });

    it('shows the seeded Argo Rollout with its CRD columns and answers auth can-i', async () => {
      // The seeded Rollout's pods come up over a few controller ticks: wait for that state.
      const ready = [rollout.name, '3', '3', '3', '3', '<age>'];
      let table: string[][] = [];
      for (let i = 0; i < 100; i++) {
        table = cells((await run(rollout, ['get', 'ro'])).stdout, rollout.name);
        if (table.some((row) => JSON.stringify(row) === JSON.stringify(ready))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(table[0]).toEqual(['NAME', 'DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      expect(table).toContainEqual(ready);
      const canI = await run(deployment, ['auth', 'can-i', 'patch', 'deployments']);
      expect([canI.code, canI.stdout.trim()]).toEqual([0, 'yes']);
    });
  },
);
