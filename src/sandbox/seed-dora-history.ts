import type { LoadedConfig } from '../config/load-config.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import { toTriageDeploy } from '../domain/deploys/deploy-record.ts';
import { deploySignal } from '../domain/triage/deploy-signal.ts';
import type { Incident, Signal } from '../domain/triage/schema.ts';
import type { Db } from '../store/db.ts';
import { createIncidentStore } from '../triage/incident-store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKS = 6;

/** A small deterministic generator (mulberry32): the same history on every start. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function alert(service: string, env: string, startedAt: Date, resolvedAt: Date): Signal {
  return {
    source: 'alertmanager',
    id: `seed-${service}-${env}-${startedAt.getTime()}`,
    name: 'ErrorBudgetBurn',
    title: `${service} burns its error budget`,
    service,
    env,
    status: 'resolved',
    labels: { alertname: 'ErrorBudgetBurn', service, env },
    annotations: {},
    startedAt: startedAt.toISOString(),
    resolvedAt: resolvedAt.toISOString(),
    at: resolvedAt.toISOString(),
  };
}

/**
 * Six weeks of delivery history before what the cluster seed recorded, so `/mc dora` and the
 * weekly scorecard show something real on first start: staging deploys most weekdays, prod a
 * few times a week with commit times, some rolled back or blamed for an incident, each week a
 * little better than the one before. Skipped when the log already has more than the seed.
 */
export async function seedDoraHistory(input: {
  db: Db;
  deployLog: Pick<DeployLog, 'recordDeploy' | 'recentDeploys'>;
  catalog: Catalog;
  now: Date;
}): Promise<void> {
  const { deployLog, catalog, now } = input;
  const incidents = createIncidentStore(input.db);
  const next = random(20261207);
  for (const [service, def] of Object.entries(catalog.services)) {
    for (const env of Object.keys(def.environments)) {
      const existing = await deployLog.recentDeploys({
        service,
        env,
        since: new Date(now.getTime() - 60 * DAY),
        limit: 20,
      });
      if (existing.length > 6) continue;
      const oldest = existing.at(-1);
      const end = oldest ? oldest.at.getTime() - HOUR : now.getTime();
      const repo = (oldest?.toImage ?? `shop/${service}:1.0.0`).replace(/[:@].*$/, '');
      const prod = catalog.environments[env]?.protected === true;
      let minor = 1;
      let previous = `${repo}:0.9.0`;
      for (let day = WEEKS * 7; day >= 1; day--) {
        const dayStart = end - day * DAY;
        const weekday = new Date(dayStart).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        const progress = 1 - day / (WEEKS * 7);
        if (next() > (prod ? 0.35 + progress * 0.3 : 0.85)) continue;
        const at = new Date(dayStart + (9 + Math.floor(next() * 8)) * HOUR);
        const lead = (prod ? 30 - progress * 22 : 10) * HOUR * (0.5 + next());
        const toImage = `${repo}:1.${minor++}.0`;
        const failed = prod && next() < 0.25 - progress * 0.15;
        const record = await deployLog.recordDeploy({
          service,
          env,
          fromImage: previous,
          toImage,
          kind: 'deploy',
          by: 'U02CAROL03',
          outcome: failed && next() < 0.5 ? 'rolled-back' : 'succeeded',
          at,
          commit: Math.floor(next() * 0xfffffff)
            .toString(16)
            .padStart(7, '0'),
          commitAt: new Date(at.getTime() - lead),
        });
        if (record.outcome === 'rolled-back') {
          await deployLog.recordDeploy({
            service,
            env,
            fromImage: toImage,
            toImage: previous,
            kind: 'auto-rollback',
            by: 'mc',
            onBehalfOf: 'U02CAROL03',
            outcome: 'succeeded',
            at: new Date(at.getTime() + 12 * 60_000),
          });
          continue;
        }
        previous = toImage;
        if (!failed) continue;
        const opened = new Date(at.getTime() + (20 + next() * 120) * 60_000);
        const resolved = new Date(
          opened.getTime() + (90 - progress * 60) * 60_000 * (0.5 + next()),
        );
        await input.db.transaction(async (tx) => {
          const incident: Incident = {
            id: await incidents.nextId(tx),
            service,
            env,
            status: 'closed',
            openedAt: opened.toISOString(),
            updatedAt: resolved.toISOString(),
            closedAt: resolved.toISOString(),
            firstSignalAt: opened.toISOString(),
            signals: [alert(service, env, opened, resolved)],
            deploys: [deploySignal(toTriageDeploy(record))],
          };
          await incidents.insert(tx, incident, {
            suggestions: [],
            candidates: [],
            rankedAt: opened.toISOString(),
          });
        });
      }
    }
  }
}

/**
 * The sandbox posts the weekly scorecard to its default channel (Mondays 09:00 UTC; the last
 * one due is posted at start), unless catalog.yml already configures one.
 */
export function withSandboxScorecard(
  config: LoadedConfig,
  channel: string | undefined,
): LoadedConfig {
  const dora = config.catalog.dora;
  if (!dora || dora.scorecard || !channel) return config;
  const scorecard = { channel, schedule: '0 9 * * 1', period: '7d' };
  return { ...config, catalog: { ...config.catalog, dora: { ...dora, scorecard } } };
}
