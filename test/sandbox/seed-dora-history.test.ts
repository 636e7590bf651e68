import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog, type DeployLog } from '../../src/deploys/deploy-log.ts';
import { computeDora } from '../../src/dora/compute-dora.ts';
import { readLiveDoraInput } from '../../src/dora/live-source.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { seedDoraHistory } from '../../src/sandbox/seed-dora-history.ts';
import { openPgliteStore, type TestStore } from '../evidence/support/test-store.ts';
import { loadRepoConfig } from '../support/slack.ts';

const NOW = new Date('2026-12-07T10:00:00Z');
const DAY = 86_400_000;

describe('sandbox/seed-dora-history', () => {
  let store: TestStore;
  let log: DeployLog;
  const targets: [string, string][] = [];
  beforeAll(async () => {
    store = await openPgliteStore();
    log = createDeployLog({ db: store.db, ledger: createLedger(store.db) });
    const { catalog } = await loadRepoConfig();
    // What the cluster seed records first: the release running now, a day ago.
    for (const [service, def] of Object.entries(catalog.services)) {
      for (const env of Object.keys(def.environments)) {
        targets.push([service, env]);
        await log.recordDeploy({
          service,
          env,
          toImage: `shop/${service}:2.0.0`,
          kind: 'deploy',
          by: 'U02CAROL03',
          outcome: 'succeeded',
          at: new Date(NOW.getTime() - DAY),
        });
      }
    }
    await seedDoraHistory({ db: store.db, deployLog: log, catalog, now: NOW });
  });
  afterAll(() => store?.close());

  it('seeds weeks of history with all four keys measurable in prod and staging', async () => {
    const since = new Date(NOW.getTime() - 45 * DAY);
    const input = await readLiveDoraInput(store.db, {
      since,
      until: NOW,
      attributionWindowMs: DAY,
    });
    for (const env of ['prod', 'staging']) {
      const m = computeDora(input, { since, until: NOW, env }).report.overall;
      expect(m.deploymentFrequency.count, env).toBeGreaterThan(10);
      expect(m.leadTime.n, env).toBeGreaterThan(10);
    }
    const prod = computeDora(input, { since, until: NOW, env: 'prod' }).report.overall;
    expect(prod.changeFailureRate.failed).toBeGreaterThan(0);
    expect(prod.timeToRestore.n).toBeGreaterThan(0);
  });

  it('keeps what runs now the newest record of every target', async () => {
    for (const [service, env] of targets) {
      expect((await log.lastDeploy(service, env))?.toImage).toBe(`shop/${service}:2.0.0`);
    }
  });

  it('adds nothing when the log already holds a history', async () => {
    const count = async () =>
      Number((await store.db.query<{ n: string }>('SELECT count(*) AS n FROM deploys')).rows[0]?.n);
    const before = await count();
    const { catalog } = await loadRepoConfig();
    await seedDoraHistory({ db: store.db, deployLog: log, catalog, now: NOW });
    expect(await count()).toBe(before);
  });
});
