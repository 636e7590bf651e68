import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createIncidentStore } from '../../src/triage/incident-store.ts';
import { createTriageConsumer } from '../../src/triage/triage-consumer.ts';
import { createTriageService } from '../../src/triage/triage-service.ts';
import { CATALOG } from '../domain/triage/world.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { loadRepoConfig } from '../support/slack.ts';
import { amWebhook, silentLog, testMetrics } from './world.ts';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe.skipIf(postgresSkipReason() !== null)(
  'src/triage on PostgreSQL (two pools: two processes)',
  () => {
    let playbooks: Playbook[];
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const stores: Store[] = [];

    beforeAll(async () => {
      playbooks = (await loadRepoConfig()).playbooks;
      database = await createTestDatabase();
      for (let i = 0; i < 2; i += 1) {
        stores.push(await openStore({ databaseUrl: database.url, dataDir: null, log: silentLog }));
      }
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await database?.drop();
    });

    it('serializes concurrent deliveries of one service across processes: one incident, every alert', async () => {
      const consumers = stores.map((store) =>
        createTriageConsumer({
          service: createTriageService({
            store: createIncidentStore(store.db),
            catalog: CATALOG,
            playbooks,
            metrics: testMetrics(),
            log: silentLog,
          }),
          catalog: CATALOG,
        }),
      );
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          consumers[i % 2]!.alertmanager(
            amWebhook([{ name: `Alert${i}`, fingerprint: `p${i}`, startsAt: ago(5) }]),
            { inboxId: String(i), deliveryId: `d${i}`, receivedAt: new Date(), attempt: 1 },
          ),
        ),
      );
      const live = await createIncidentStore(stores[0]!.db).live();
      expect(live).toHaveLength(1);
      expect(new Set(live[0]?.incident.signals.map((s) => s.id)).size).toBe(40);
      expect(live[0]).toMatchObject({ version: 40, state: 'open', pagerdutyIds: [] });
    });
  },
);
