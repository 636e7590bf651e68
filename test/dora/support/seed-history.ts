import { createDeployLog } from '../../../src/deploys/deploy-log.ts';
import { type DeployRecord, toTriageDeploy } from '../../../src/domain/deploys/deploy-record.ts';
import { deploySignal } from '../../../src/domain/triage/deploy-signal.ts';
import type { Incident, Signal } from '../../../src/domain/triage/schema.ts';
import { createLedger } from '../../../src/evidence/ledger/create-ledger.ts';
import type { Db } from '../../../src/store/db.ts';
import { createIncidentStore } from '../../../src/triage/incident-store.ts';

/** The scorecard's "now" in these tests: the window of `--since 7d` is Nov 30 → Dec 7. */
export const NOW = new Date('2026-12-07T00:00:00Z');

function alert(service: string, env: string, startedAt: string, resolvedAt: string): Signal {
  return {
    source: 'alertmanager',
    id: `fp-${service}-${startedAt}`,
    name: 'ErrorBudgetBurn',
    service,
    env,
    status: 'resolved',
    labels: {},
    annotations: {},
    startedAt,
    resolvedAt,
    at: resolvedAt,
    link: `https://alertmanager.acme.test/#/alerts?filter=service%3D${service}`,
  };
}

/**
 * Two weeks of checkout history. Week before (Nov 23–30), prod: 1.4.0 (lead 2 d), 1.4.1
 * (lead 1 d) rolled back 2 h later. This week (Nov 30–Dec 7), prod: 1.5.0 (4 h), 1.5.1 (2 h),
 * 1.5.2 (1 h), blamed for an incident an hour later that took 30 min; staging: 1.5.0 once.
 */
export async function seedTwoWeeks(db: Db): Promise<DeployRecord[]> {
  const log = createDeployLog({ db, ledger: createLedger(db) });
  const deploy = (env: string, from: string, to: string, at: string, commitAt?: string) =>
    log.recordDeploy({
      service: 'checkout',
      env,
      fromImage: `shop/checkout:${from}`,
      toImage: `shop/checkout:${to}`,
      kind: 'deploy',
      by: 'U01ALICE01',
      outcome: 'succeeded',
      at: new Date(at),
      ...(commitAt ? { commit: 'abc1234', commitAt: new Date(commitAt) } : {}),
    });
  const records = [
    await deploy('prod', '1.3.9', '1.4.0', '2026-11-24T10:00:00Z', '2026-11-22T10:00:00Z'),
    await deploy('prod', '1.4.0', '1.4.1', '2026-11-26T10:00:00Z', '2026-11-25T10:00:00Z'),
    await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.0',
      kind: 'rollback',
      by: 'U01BOBBY02',
      outcome: 'succeeded',
      at: new Date('2026-11-26T12:00:00Z'),
    }),
    await deploy('staging', '1.4.1', '1.5.0', '2026-12-01T08:00:00Z'),
    await deploy('prod', '1.4.0', '1.5.0', '2026-12-01T10:00:00Z', '2026-12-01T06:00:00Z'),
    await deploy('prod', '1.5.0', '1.5.1', '2026-12-03T10:00:00Z', '2026-12-03T08:00:00Z'),
    await deploy('prod', '1.5.1', '1.5.2', '2026-12-05T10:00:00Z', '2026-12-05T09:00:00Z'),
  ];
  const blamed = records[6] as DeployRecord;
  const first = '2026-12-05T11:00:00Z';
  const incident: Incident = {
    id: 'inc-7',
    service: 'checkout',
    env: 'prod',
    status: 'closed',
    openedAt: first,
    updatedAt: '2026-12-05T11:30:00Z',
    firstSignalAt: first,
    signals: [alert('checkout', 'prod', first, '2026-12-05T11:30:00Z')],
    deploys: [deploySignal(toTriageDeploy(blamed))],
  };
  await db.transaction((tx) =>
    createIncidentStore(db).insert(tx, incident, {
      suggestions: [],
      candidates: [],
      rankedAt: first,
    }),
  );
  return records;
}
