import { computeDora } from './compute-dora.ts';
import type { DoraInput } from './schema.ts';

/** One week's four keys, as the chart draws them: null where there was nothing to measure. */
export interface WeekPoint {
  /** The week's first day, `2026-11-30`. */
  week: string;
  deploys: number;
  leadTimeMedianSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreMedianSeconds: number | null;
}

const WEEK_MS = 7 * 86_400_000;

/** The last `weeks` weeks ending at `until`, oldest first, for one environment (and service). */
export function weeklySeries(
  input: DoraInput,
  options: {
    until: Date;
    weeks: number;
    env: string;
    service?: string | undefined;
    attributionWindowMs: number;
  },
): WeekPoint[] {
  const points: WeekPoint[] = [];
  for (let i = options.weeks - 1; i >= 0; i--) {
    const until = new Date(options.until.getTime() - i * WEEK_MS);
    const since = new Date(until.getTime() - WEEK_MS);
    const m = computeDora(input, {
      since,
      until,
      env: options.env,
      attributionWindowMs: options.attributionWindowMs,
      ...(options.service ? { service: options.service } : {}),
    }).report.overall;
    points.push({
      week: since.toISOString().slice(0, 10),
      deploys: m.deploymentFrequency.count,
      leadTimeMedianSeconds: m.leadTime.medianSeconds,
      changeFailureRate: m.changeFailureRate.ratio,
      timeToRestoreMedianSeconds: m.timeToRestore.medianSeconds,
    });
  }
  return points;
}
