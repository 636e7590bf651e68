import type { Queryable } from '../store/db.ts';
import { computeDora } from './compute-dora.ts';
import { readLiveDoraInput } from './live-source.ts';
import type { DoraSettings } from './schema.ts';
import { durationMs } from './stats.ts';
import { judgeTargets, type TargetResult } from './targets.ts';
import type { DoraEvidence, DoraMetrics, DoraReport } from './types.ts';

/** The figures of one environment now and in the window before, for trends. */
export interface EnvFigures {
  env: string;
  current: DoraMetrics;
  previous: DoraMetrics;
}

/** Everything `/mc dora` and the weekly scorecard show. */
export interface Scorecard {
  service?: string;
  since: Date;
  until: Date;
  envs: EnvFigures[];
  targets: TargetResult[];
  report: DoraReport;
  evidence: DoraEvidence;
}

export interface ScorecardQuery {
  db: Queryable;
  settings: DoraSettings | undefined;
  /** Environments in display order, the production one first. */
  environments: string[];
  production: string;
  service?: string | undefined;
  env?: string | undefined;
  since: Date;
  until: Date;
}

/** The attribution window of the catalog's `dora:` (default 24 h). */
export function attributionMs(settings: DoraSettings | undefined): number {
  return durationMs(settings?.attributionWindow ?? '24h') ?? 86_400_000;
}

/**
 * The four keys per environment over [since, until) and the same length before it, from the
 * change log and triage incidents, with the catalog's targets judged.
 */
export async function buildScorecard(query: ScorecardQuery): Promise<Scorecard> {
  const windowMs = attributionMs(query.settings);
  const span = query.until.getTime() - query.since.getTime();
  const previousSince = new Date(query.since.getTime() - span);
  const input = await readLiveDoraInput(query.db, {
    since: previousSince,
    until: query.until,
    attributionWindowMs: windowMs,
  });
  const scope = {
    attributionWindowMs: windowMs,
    ...(query.service ? { service: query.service } : {}),
  };
  const envs = query.env ? [query.env] : query.environments;
  const figures = (env: string, since: Date, until: Date) =>
    computeDora(input, { ...scope, env, since, until }).report.overall;
  const rows: EnvFigures[] = envs.map((env) => ({
    env,
    current: figures(env, query.since, query.until),
    previous: figures(env, previousSince, query.since),
  }));
  const all = computeDora(input, {
    ...scope,
    ...(query.env ? { env: query.env } : {}),
    since: query.since,
    until: query.until,
  });
  const targets = judgeTargets(
    query.settings,
    (env) => rows.find((r) => r.env === env)?.current,
    query.production,
  );
  return {
    ...(query.service ? { service: query.service } : {}),
    since: query.since,
    until: query.until,
    envs: rows,
    targets,
    report: all.report,
    evidence: all.evidence,
  };
}
