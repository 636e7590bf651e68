import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog, type DeployLog } from '../../src/deploys/deploy-log.ts';
import { toTriageDeploy } from '../../src/domain/deploys/deploy-record.ts';
import { createLedger, type Ledger } from '../../src/evidence/ledger/create-ledger.ts';
import {
  openPgliteStore,
  openPostgresStore,
  steppingClock,
  type TestStore,
} from '../evidence/support/test-store.ts';
import { postgresSkipReason } from '../support/postgres.ts';

const T = (iso: string) => new Date(iso);

// Array.fromAsync is Node 22; the machines run Node 20.
async function entriesFrom(ledger: Ledger, from: number) {
  const entries = [];
  for await (const entry of ledger.read({ from })) entries.push(entry);
  return entries;
}

function suite(open: () => Promise<TestStore>) {
  let store: TestStore;
  let ledger: Ledger;
  let log: DeployLog;

  beforeAll(async () => {
    store = await open();
    ledger = createLedger(store.db);
    log = createDeployLog({
      db: store.db,
      ledger,
      clock: steppingClock('2026-11-22T03:10:02.000Z', 1_000),
    });
    await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.0',
      toImage: 'shop/checkout:1.4.1',
      fromRevision: 5,
      toRevision: 6,
      kind: 'deploy',
      by: 'U01BOBBY02',
      at: T('2026-11-21T09:00:00Z'),
    });
    await log.recordDeploy({
      service: 'payments',
      env: 'prod',
      toImage: 'shop/payments:2.7.0',
      kind: 'deploy',
      by: 'U02CAROL03',
      at: T('2026-11-22T01:00:00Z'),
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('records a deploy, appends deploy.recorded to the ledger, and maps it for triage', async () => {
    const record = await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      fromRevision: 6,
      toRevision: 7,
      kind: 'deploy',
      by: 'U01ALICE01',
      runId: 'r_abcdefghijkl',
    });
    expect(record).toMatchObject({ outcome: 'verifying', at: T('2026-11-22T03:10:02.000Z') });
    expect(await log.lastDeploy('checkout', 'prod')).toEqual(record);
    const head = await ledger.head();
    const [entry] = await entriesFrom(ledger, head.seq);
    expect(entry).toMatchObject({
      actor: 'U01ALICE01',
      kind: 'deploy.recorded',
      subject: `deploy:${record.id}`,
      data: {
        id: record.id,
        service: 'checkout',
        env: 'prod',
        fromImage: 'shop/checkout:1.4.1',
        toImage: 'shop/checkout:1.4.2',
        toRevision: 7,
        kind: 'deploy',
        outcome: 'verifying',
        at: '2026-11-22T03:10:02.000Z',
      },
    });
    expect(toTriageDeploy(record)).toEqual({
      service: 'checkout',
      env: 'prod',
      from: '1.4.1',
      to: '1.4.2',
      by: 'U01ALICE01',
      at: '2026-11-22T03:10:02.000Z',
      kind: 'deploy',
      outcome: 'verifying',
      runId: 'r_abcdefghijkl',
    });
  });

  it('sets the outcome once, with the evidence link, and records that in the ledger', async () => {
    const record = await log.recordDeploy({
      service: 'checkout',
      env: 'staging',
      toImage: 'shop/checkout:1.4.3',
      kind: 'auto-rollback',
      by: 'mc',
    });
    const done = await log.finishDeploy(record.id, {
      outcome: 'rolled-back',
      evidenceUrl: 'https://mc.example/evidence/e_1',
    });
    expect(done).toMatchObject({
      outcome: 'rolled-back',
      evidenceUrl: 'https://mc.example/evidence/e_1',
    });
    const seq = (await ledger.head()).seq;
    expect(await log.finishDeploy(record.id, { outcome: 'succeeded' })).toBeUndefined();
    expect(await log.finishDeploy('d_unknownnnnnn', { outcome: 'succeeded' })).toBeUndefined();
    expect((await ledger.head()).seq).toBe(seq);
    const [entry] = await entriesFrom(ledger, seq);
    expect(entry).toMatchObject({
      kind: 'deploy.finished',
      subject: `deploy:${record.id}`,
      data: { outcome: 'rolled-back', evidenceUrl: 'https://mc.example/evidence/e_1' },
    });
    expect(await log.lastDeploy('checkout', 'staging')).toMatchObject({ outcome: 'rolled-back' });
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('lists recent deploys newest first, filtered by service, env and time', async () => {
    const since = T('2026-11-21T00:00:00Z');
    const all = await log.recentDeploys({ since });
    expect(all.map((d) => [d.service, d.env, d.toImage])).toEqual([
      ['checkout', 'staging', 'shop/checkout:1.4.3'],
      ['checkout', 'prod', 'shop/checkout:1.4.2'],
      ['payments', 'prod', 'shop/payments:2.7.0'],
      ['checkout', 'prod', 'shop/checkout:1.4.1'],
    ]);
    const prodCheckout = await log.recentDeploys({ service: 'checkout', env: 'prod', since });
    expect(prodCheckout.map((d) => d.toRevision)).toEqual([7, 6]);
    expect(
      await log.recentDeploys({ env: 'prod', since: T('2026-11-22T00:00:00Z'), limit: 1 }),
    ).toHaveLength(1);
    expect(await log.recentDeploys({ since: T('2026-11-23T00:00:00Z') })).toEqual([]);
    expect(await log.lastDeploy('cart', 'prod')).toBeUndefined();
  });

  it('records a change other than an image (a triage run scaling) with its values and the image it left', async () => {
    const record = await log.recordDeploy({
      service: 'payments',
      env: 'prod',
      fromImage: 'shop/payments:2.7.0',
      toImage: 'shop/payments:2.7.0',
      what: 'replicas',
      fromValue: '3',
      toValue: '5',
      kind: 'triage',
      by: 'U01ALICE01',
      runId: 'r_bcdefghijklm',
      outcome: 'succeeded',
    });
    expect(await log.lastDeploy('payments', 'prod')).toEqual(record);
    expect(record).toMatchObject({
      what: 'replicas',
      fromValue: '3',
      toValue: '5',
      kind: 'triage',
    });
    expect(await log.deploysOfRun('r_bcdefghijklm')).toEqual([record]);
  });

  it('rejects a kind the table does not know, writing nothing to the ledger', async () => {
    const seq = (await ledger.head()).seq;
    await expect(
      log.recordDeploy({
        service: 'checkout',
        env: 'prod',
        toImage: 'x:1',
        kind: 'hotfix' as 'deploy',
        by: 'U01ALICE01',
      }),
    ).rejects.toThrow(/check constraint/);
    expect((await ledger.head()).seq).toBe(seq);
  });
}

describe('deploys/deploy-log on PGlite', () => {
  suite(openPgliteStore);
});

describe.skipIf(postgresSkipReason() !== null)('deploys/deploy-log on PostgreSQL', () => {
  suite(openPostgresStore);
});
