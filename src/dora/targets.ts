import type { DoraSettings } from './schema.ts';
import { durationMs, humanSeconds } from './stats.ts';
import type { DoraMetrics } from './types.ts';

/** One target from `catalog.yml` `dora.targets`, judged against measured figures. */
export interface TargetResult {
  metric: 'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'timeToRestore';
  env: string;
  /** `≥ 1/day`, `≤ 10 %`, `median ≤ 1d 19h (baseline 3d − 40 %)`. */
  target: string;
  actual: string;
  status: 'met' | 'missed' | 'no data';
}

const seconds = (text: string | undefined) => {
  const ms = text === undefined ? undefined : durationMs(text);
  return ms === undefined ? undefined : ms / 1000;
};

function timeTarget(
  goal: { max: string } | { reduceBy: number },
  baseline: string | undefined,
): { limit: number; text: string } | undefined {
  if ('max' in goal) {
    const limit = seconds(goal.max) as number;
    return { limit, text: `median ≤ ${humanSeconds(limit)}` };
  }
  const base = seconds(baseline);
  if (base === undefined) return undefined;
  const limit = base * (1 - goal.reduceBy);
  const pct = Math.round(goal.reduceBy * 100);
  return {
    limit,
    text: `median ≤ ${humanSeconds(limit)} (baseline ${humanSeconds(base)} − ${pct} %)`,
  };
}

function judgeTime(
  metric: 'leadTime' | 'timeToRestore',
  env: string,
  goal: { max: string } | { reduceBy: number } | undefined,
  baseline: string | undefined,
  m: DoraMetrics,
): TargetResult[] {
  if (!goal) return [];
  const t = timeTarget(goal, baseline);
  const median = m[metric].medianSeconds;
  if (!t) {
    const target = `down ${Math.round(('reduceBy' in goal ? goal.reduceBy : 0) * 100)} % (no baseline in catalog.yml dora.baseline.${metric})`;
    return [{ metric, env, target, actual: humanSeconds(median), status: 'no data' }];
  }
  const status = median === null ? 'no data' : median <= t.limit ? 'met' : 'missed';
  return [{ metric, env, target: t.text, actual: `median ${humanSeconds(median)}`, status }];
}

/**
 * Judges the catalog's targets: deployment frequency per environment against that
 * environment's figures; lead time, change failure rate and time to restore against the
 * production environment's (`production`), as DORA defines them there.
 */
export function judgeTargets(
  settings: DoraSettings | undefined,
  byEnv: (env: string) => DoraMetrics | undefined,
  production: string,
): TargetResult[] {
  if (!settings) return [];
  const { targets, baseline } = settings;
  const results: TargetResult[] = [];
  for (const [env, goal] of Object.entries(targets.deploymentFrequency ?? {})) {
    const m = byEnv(env);
    if (!m) continue;
    const f = m.deploymentFrequency;
    const [per, want, have] =
      'perDay' in goal ? ['day', goal.perDay, f.perDay] : ['week', goal.perWeek, f.perWeek];
    results.push({
      metric: 'deploymentFrequency',
      env,
      target: `≥ ${want}/${per}`,
      actual: `${have.toFixed(2)}/${per}`,
      status: have >= want ? 'met' : 'missed',
    });
  }
  const prod = byEnv(production);
  if (!prod) return results;
  results.push(...judgeTime('leadTime', production, targets.leadTime, baseline.leadTime, prod));
  const cfr = targets.changeFailureRate;
  if (cfr) {
    const ratio = prod.changeFailureRate.ratio;
    results.push({
      metric: 'changeFailureRate',
      env: production,
      target: `≤ ${Math.round(cfr.max * 1000) / 10} %`,
      actual: ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`,
      status: ratio === null ? 'no data' : ratio <= cfr.max ? 'met' : 'missed',
    });
  }
  results.push(
    ...judgeTime('timeToRestore', production, targets.timeToRestore, baseline.timeToRestore, prod),
  );
  return results;
}
