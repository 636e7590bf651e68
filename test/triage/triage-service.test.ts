import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PagerDutyWebhook } from '../../src/adapters/pagerduty/schema.ts';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import type { ConditionCheck } from '../../src/domain/triage/condition-check.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import type { DeliveryMeta } from '../../src/http/webhooks/consumer.ts';
import {
  type ConditionChecker,
  createConditionChecker,
} from '../../src/triage/check-conditions.ts';
import { deployLogSource } from '../../src/triage/deploy-source.ts';
import { createTriageConsumer } from '../../src/triage/triage-consumer.ts';
import { createTriageService, type TriageService } from '../../src/triage/triage-service.ts';
import { CATALOG, FIXTURES } from '../domain/triage/world.ts';
import { loadRepoConfig } from '../support/slack.ts';
import {
  ackCounts,
  amWebhook,
  openTriageDb,
  recordingPublisher,
  silentLog,
  type TriageDb,
  testMetrics,
} from './world.ts';

const meta = (n: number): DeliveryMeta => ({
  inboxId: String(n),
  deliveryId: `d${n}`,
  receivedAt: new Date(),
  attempt: 1,
});
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function pagerdutyEvent(file: string, over: Record<string, unknown> = {}) {
  const body = JSON.parse(
    readFileSync(path.join(FIXTURES, 'pagerduty', file), 'utf8'),
  ) as PagerDutyWebhook;
  const event = structuredClone(body.event);
  Object.assign(
    event.data,
    { service: { id: 'PCHK7Q2', type: 'service_reference', summary: 'checkout (prod)' } },
    over,
  );
  return event;
}

describe('src/triage/triage-service (PGlite, through the webhook consumer)', () => {
  let playbooks: Playbook[];
  let db: TriageDb;
  let service: TriageService;
  let recorder: ReturnType<typeof recordingPublisher>;
  let metrics: ReturnType<typeof testMetrics>;

  beforeAll(async () => {
    playbooks = (await loadRepoConfig()).playbooks;
  });

  function build(names: Parameters<typeof deployLogSource>[1] = {}) {
    recorder = recordingPublisher(() => db.incidents);
    metrics = testMetrics();
    const ledger = createLedger(db.store.db);
    service = createTriageService({
      store: db.incidents,
      catalog: CATALOG,
      playbooks,
      publisher: recorder.publisher,
      deploys: deployLogSource(createDeployLog({ db: db.store.db, ledger }), names),
      metrics,
      log: silentLog,
    });
    return createTriageConsumer({ service, catalog: CATALOG });
  }

  beforeEach(async (context) => {
    db = await openTriageDb({ disk: context.task.name.includes('restart') });
  });
  afterEach(async () => {
    await service?.idle();
    await recorder?.settled();
    await db.close();
  });

  it('opens one incident per service, ranks it, and asks for its message', async () => {
    const consumer = build();
    await consumer.alertmanager(
      amWebhook([
        { name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) },
        { name: 'KubePodNotReady', fingerprint: 'fp2', startsAt: ago(2) },
      ]),
      meta(1),
    );
    const [incident, ...rest] = await db.incidents.live();
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({ state: 'open', partition: 'checkout', version: 1 });
    expect(incident?.incident.signals.map((s) => s.id)).toEqual(['fp1', 'fp2']);
    expect(incident?.triage.suggestions[0]?.playbook).toBe('pod-crashloop');
    expect(recorder.published.map((r) => r.id)).toEqual([incident?.id]);
  });

  it('is idempotent: the same delivery twice changes nothing and publishes nothing new', async () => {
    const consumer = build();
    const webhook = amWebhook([
      { name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) },
    ]);
    await consumer.alertmanager(webhook, meta(1));
    await service.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await db.incidents.live();
    await consumer.alertmanager(webhook, { ...meta(1), attempt: 2 });
    const after = await db.incidents.live();
    expect(after).toHaveLength(1);
    expect(after[0]?.version).toBe(before[0]?.version);
    expect(recorder.published).toHaveLength(1);
  });

  it('resolves the incident when its alerts resolve; a signal after that opens a new one, across a restart', async () => {
    let consumer = build();
    const startsAt = ago(10);
    await consumer.alertmanager(
      amWebhook([{ name: 'QueueBacklog', fingerprint: 'q1', startsAt }]),
      meta(1),
    );
    await consumer.alertmanager(
      amWebhook([{ name: 'QueueBacklog', fingerprint: 'q1', startsAt, endsAt: ago(1) }], {
        status: 'resolved',
      }),
      meta(2),
    );
    const [resolvedIncident] = await db.incidents.live();
    expect(resolvedIncident).toMatchObject({ state: 'resolved', version: 2 });
    expect(resolvedIncident?.triage.suggestions).toEqual([]);

    await db.reopen();
    consumer = build();
    // It fires again soon after: a NEW incident (a new message, which notifies), linked to the
    // resolved one, which is left as it was.
    await consumer.alertmanager(
      amWebhook([{ name: 'QueueBacklog', fingerprint: 'q1', startsAt: ago(0.5) }]),
      meta(3),
    );
    const live = await db.incidents.live();
    const again = live.find((i) => i.id !== resolvedIncident?.id);
    expect(live.map((i) => [i.id, i.state]).sort()).toEqual(
      [
        [resolvedIncident?.id, 'resolved'],
        [again?.id, 'open'],
      ].sort(),
    );
    expect(again?.incident.follows).toBe(resolvedIncident?.id);
    expect((await db.incidents.get(resolvedIncident?.id ?? ''))?.version).toBe(2);
  });

  it('serializes concurrent deliveries of one service into one incident', async () => {
    const consumer = build();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        consumer.alertmanager(
          amWebhook([{ name: `Alert${i}`, fingerprint: `c${i}`, startsAt: ago(5) }]),
          meta(i),
        ),
      ),
    );
    const live = await db.incidents.live();
    expect(live).toHaveLength(1);
    expect(live[0]?.incident.signals).toHaveLength(20);
    expect(live[0]?.version).toBe(20);
  });

  it('reads the incident again when another process changed it (two services, one database)', async () => {
    const first = build();
    const other = createTriageConsumer({
      service: createTriageService({
        store: db.incidents,
        catalog: CATALOG,
        playbooks,
        metrics: testMetrics(),
        log: silentLog,
      }),
      catalog: CATALOG,
    });
    const alertAt = (i: number) =>
      amWebhook([{ name: `Alert${i}`, fingerprint: `x${i}`, startsAt: ago(5) }]);
    for (let i = 0; i < 6; i += 1) {
      await (i % 2 === 0 ? first : other).alertmanager(alertAt(i), meta(i));
    }
    const [incident, ...rest] = await db.incidents.live();
    expect(rest).toEqual([]);
    expect(incident?.incident.signals.map((s) => s.id)).toEqual([
      'x0',
      'x1',
      'x2',
      'x3',
      'x4',
      'x5',
    ]);
    expect(incident?.version).toBe(6);
  });

  it('joins a deploy from the deploy log and lets deploy-regression lead', async () => {
    const consumer = build();
    const ledger = createLedger(db.store.db);
    const log = createDeployLog({ db: db.store.db, ledger });
    await log.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      kind: 'deploy',
      by: 'U01ALICE01',
      at: new Date(Date.now() - 6 * 60_000),
    });
    await consumer.alertmanager(
      amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) }]),
      meta(1),
    );
    const [incident] = await db.incidents.live();
    expect(incident?.incident.deploys.map((d) => d.deploy?.to)).toEqual(['1.4.2']);
    expect(incident?.triage.suggestions[0]?.playbook).toBe('deploy-regression');
  });

  describe('names the deployer in notes that leave Slack', () => {
    async function deployThenPage(consumer: ReturnType<typeof build>) {
      const log = createDeployLog({ db: db.store.db, ledger: createLedger(db.store.db) });
      await log.recordDeploy({
        service: 'checkout',
        env: 'prod',
        fromImage: 'shop/checkout:1.4.1',
        toImage: 'shop/checkout:1.4.2',
        kind: 'deploy',
        by: 'U02CAROL03',
        at: new Date(Date.now() - 6 * 60_000),
      });
      const triggered = pagerdutyEvent('webhook-incident-triggered-manual.json', {
        created_at: ago(3),
      });
      await consumer.pagerduty({ ...triggered, occurred_at: ago(3) }, meta(1));
      await consumer.alertmanager(
        amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) }]),
        meta(2),
      );
      const [incident] = await db.incidents.live();
      const regression = incident?.triage.suggestions.find(
        (s) => s.playbook === 'deploy-regression',
      );
      const note = regression?.plan.steps.find((s) => s.action === 'pagerduty.note');
      return { incident, note: String(note?.params.content ?? '') };
    }

    it('a Slack id becomes the display name in the PagerDuty note; the id stays for mentions', async () => {
      const asked: string[] = [];
      const consumer = build({
        displayName: async (id) => {
          asked.push(id);
          return id === 'U02CAROL03' ? 'carol' : undefined;
        },
      });
      const { incident, note } = await deployThenPage(consumer);
      expect(note).toMatch(
        /^mc: rolling back checkout in prod from 1\.4\.2 to 1\.4\.1 \(deployed by carol at /,
      );
      expect(note).not.toContain('U02CAROL03');
      expect(incident?.incident.deploys[0]?.deploy).toMatchObject({
        by: 'U02CAROL03',
        byName: 'carol',
      });
      expect(new Set(asked)).toEqual(new Set(['U02CAROL03']));
    });

    it('Slack slow to answer: the note keeps the id and triage does not wait past the bound', async () => {
      const consumer = build({ displayName: () => new Promise(() => {}), nameWaitMs: 50 });
      const { incident, note } = await deployThenPage(consumer);
      expect(note).toContain('deployed by U02CAROL03 at');
      expect(incident?.incident.deploys[0]?.deploy?.byName).toBeUndefined();
    });
  });

  it('after an approved prod rollback 1.4.2 → 1.4.1, an alert storm never offers to roll "back" to 1.4.2', async () => {
    const consumer = build();
    const log = createDeployLog({ db: db.store.db, ledger: createLedger(db.store.db) });
    const prod = { service: 'checkout', env: 'prod', outcome: 'succeeded' } as const;
    await log.recordDeploy({
      ...prod,
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      kind: 'deploy',
      by: 'U01ALICE01',
      at: new Date(Date.now() - 40 * 60_000),
    });
    await log.recordDeploy({
      ...prod,
      fromImage: 'shop/checkout:1.4.2',
      toImage: 'shop/checkout:1.4.1',
      kind: 'rollback',
      by: 'U02BOBBY02',
      at: new Date(Date.now() - 6 * 60_000),
    });
    await consumer.alertmanager(
      amWebhook([
        { name: 'KubePodCrashLooping', fingerprint: 's1', startsAt: ago(3) },
        { name: 'TargetDown', fingerprint: 's2', startsAt: ago(3) },
      ]),
      meta(1),
    );
    const [incident] = await db.incidents.live();
    expect(incident?.incident.deploys.map((d) => d.deploy?.kind)).toEqual(['deploy', 'rollback']);
    const steps = incident?.triage.suggestions.flatMap((s) => s.plan.steps) ?? [];
    expect(steps.map((s) => s.description ?? '').join('\n')).not.toMatch(/back from 1\.4\.1/);
    expect(incident?.triage.suggestions.map((s) => s.playbook)).not.toContain('deploy-regression');
    expect(
      incident?.triage.candidates.find((c) => c.playbook === 'deploy-regression')?.reasons,
    ).toContain(
      'needs a deploy of checkout/prod within 30 min before the first signal: the latest change is a rollback `1.4.2` → `1.4.1` by U02BOBBY02, not a deploy to roll back',
    );
  });

  it('measures conditions again: a suggestion demoted when the incident opened comes back once its condition holds', async () => {
    let status: ConditionCheck['status'] = 'fails';
    const checkConditions: ConditionChecker = async (_incident, ids) =>
      Object.fromEntries(
        ids
          .filter((id) => id === 'deploy-regression')
          .map((id) => [
            id,
            {
              status,
              text:
                status === 'fails'
                  ? '5xx ratio is 0.004, not > 0.01'
                  : '5xx ratio is 0.05 (> 0.01)',
              checkedAt: new Date().toISOString(),
            },
          ]),
      );
    build();
    service = createTriageService({
      store: db.incidents,
      catalog: CATALOG,
      playbooks,
      publisher: recorder.publisher,
      deploys: deployLogSource(
        createDeployLog({ db: db.store.db, ledger: createLedger(db.store.db) }),
      ),
      metrics,
      log: silentLog,
      checkConditions,
    });
    const consumer = createTriageConsumer({ service, catalog: CATALOG });
    await createDeployLog({ db: db.store.db, ledger: createLedger(db.store.db) }).recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      kind: 'deploy',
      by: 'U01ALICE01',
      at: new Date(Date.now() - 6 * 60_000),
    });
    await consumer.alertmanager(
      amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) }]),
      meta(1),
    );
    const [opened] = await db.incidents.live();
    expect(opened?.triage.suggestions[0]?.playbook).toBe('pod-crashloop');
    expect(await service.recheck()).toBe(0);

    status = 'holds';
    expect(await service.recheck()).toBe(1);
    const [again] = await db.incidents.live();
    expect(again?.version).toBe((opened?.version ?? 0) + 1);
    expect(again?.triage.suggestions[0]).toMatchObject({
      playbook: 'deploy-regression',
      check: { status: 'holds', text: '5xx ratio is 0.05 (> 0.01)' },
    });
    expect(recorder.published.map((r) => r.id)).toEqual([opened?.id, opened?.id]);
  });

  it('asks Prometheus before taking the partition lock, never while holding it', async () => {
    let locked = 0;
    const seen: { query: string; locked: boolean }[] = [];
    const store = {
      ...db.incidents,
      withPartition: <T>(partition: string, fn: Parameters<typeof db.incidents.withPartition>[1]) =>
        db.incidents.withPartition(partition, async (q) => {
          locked += 1;
          try {
            return (await fn(q)) as T;
          } finally {
            locked -= 1;
          }
        }),
    };
    recorder = recordingPublisher(() => db.incidents);
    const deployLog = createDeployLog({ db: db.store.db, ledger: createLedger(db.store.db) });
    service = createTriageService({
      store,
      catalog: CATALOG,
      playbooks,
      publisher: recorder.publisher,
      deploys: deployLogSource(deployLog),
      metrics: testMetrics(),
      log: silentLog,
      checkConditions: createConditionChecker({
        playbooks,
        clock: () => new Date(),
        prometheus: {
          query: async (query) => {
            seen.push({ query, locked: locked > 0 });
            return { type: 'scalar', value: 0.05 } as never;
          },
        },
      }),
    });
    const consumer = createTriageConsumer({ service, catalog: CATALOG });
    // A deploy just before the alert makes deploy-regression fit; its condition is a query.
    await deployLog.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: 'shop/checkout:1.4.1',
      toImage: 'shop/checkout:1.4.2',
      kind: 'deploy',
      by: 'U01ALICE01',
      at: new Date(Date.now() - 6 * 60_000),
    });
    await consumer.alertmanager(
      amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'fp1', startsAt: ago(3) }]),
      meta(1),
    );
    const [opened] = await db.incidents.live();
    expect(opened?.triage.suggestions[0]).toMatchObject({
      playbook: 'deploy-regression',
      check: { status: 'holds' },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.locked)).toEqual([]);
  });

  it('records MTTA once: a PagerDuty acknowledgement, not via the bot', async () => {
    const consumer = build();
    const triggered = pagerdutyEvent('webhook-incident-triggered-manual.json', {
      created_at: ago(7),
    });
    await consumer.pagerduty({ ...triggered, occurred_at: ago(7) }, meta(1));
    const acked = pagerdutyEvent('webhook-incident-triggered-manual.json', {
      created_at: ago(7),
      status: 'acknowledged',
    });
    await consumer.pagerduty(
      { ...acked, event_type: 'incident.acknowledged', occurred_at: ago(2) },
      meta(2),
    );
    await consumer.pagerduty(
      { ...acked, event_type: 'incident.acknowledged', occurred_at: ago(2) },
      meta(3),
    );
    const [incident] = await db.incidents.live();
    expect(incident).toMatchObject({ ackViaBot: false, pagerdutyIds: ['Q0HZ3WPN8VQ2CD'] });
    const seconds = (incident!.acknowledgedAt!.getTime() - incident!.triggeredAt.getTime()) / 1000;
    expect(Math.round(seconds)).toBe(300);
    expect(await ackCounts(metrics)).toEqual({ false: 1 });
  });

  it('counts an ack through the bot once, even when PagerDuty reports it afterwards', async () => {
    const consumer = build();
    const triggered = pagerdutyEvent('webhook-incident-triggered-manual.json', {
      created_at: ago(4),
    });
    await consumer.pagerduty({ ...triggered, occurred_at: ago(4) }, meta(1));
    const [incident] = await db.incidents.live();
    await service.acknowledge(incident!.id, { viaBot: true, by: 'U0ONCALL01' });
    const acked = pagerdutyEvent('webhook-incident-triggered-manual.json', {
      created_at: ago(4),
      status: 'acknowledged',
    });
    await consumer.pagerduty(
      { ...acked, event_type: 'incident.acknowledged', occurred_at: ago(0) },
      meta(2),
    );
    expect(await ackCounts(metrics)).toEqual({ true: 1 });
    expect(await db.incidents.get(incident!.id)).toMatchObject({
      ackViaBot: true,
      acknowledgedBy: 'U0ONCALL01',
    });
  });

  it('keeps alerts no catalog service claims in an incident of their own', async () => {
    const consumer = build();
    await consumer.alertmanager(
      amWebhook(
        [
          {
            name: 'NodeDiskFull',
            fingerprint: 'n1',
            startsAt: ago(1),
            labels: { instance: 'node-7' },
          },
        ],
        { service: '' },
      ),
      meta(1),
    );
    const [incident] = await db.incidents.live();
    expect(incident).toMatchObject({ partition: '', state: 'open' });
    expect(incident?.incident.service).toBeUndefined();
  });
});
