import type { EnvFigures, Scorecard } from './scorecard.ts';
import { humanSeconds } from './stats.ts';
import type { TargetResult } from './targets.ts';
import type { DoraMetrics } from './types.ts';

/** One of the four keys as shown: label, value now, and how it moved since the window before. */
export interface MetricLine {
  label: string;
  value: string;
  /** `▲ from 2`, `▼ from 1d 2h`, `= same as before`, `no data before`. */
  trend: string;
  /** Whether the move is good news; undefined when unchanged or unknown. */
  better?: boolean;
}

const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)} %`);
const rate = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function trend(
  now: number | null,
  before: number | null,
  show: (v: number) => string,
  higherIsBetter: boolean,
): Pick<MetricLine, 'trend' | 'better'> {
  if (before === null) return { trend: 'no data before' };
  if (now === null) return { trend: `was ${show(before)}` };
  if (Math.abs(now - before) < 1e-9) return { trend: '= same as before' };
  const up = now > before;
  return { trend: `${up ? '▲' : '▼'} from ${show(before)}`, better: up === higherIsBetter };
}

/** The four keys of one environment, with trends against the window before. */
export function metricLines(current: DoraMetrics, previous: DoraMetrics): MetricLine[] {
  const f = current.deploymentFrequency;
  const lt = current.leadTime;
  const cfr = current.changeFailureRate;
  const ttr = current.timeToRestore;
  return [
    {
      label: 'Deployment frequency',
      value: `${f.count} deploys (${rate(f.perWeek)}/week, ${rate(f.perDay)}/day)`,
      ...trend(f.count, previous.deploymentFrequency.count, String, true),
    },
    {
      label: 'Lead time',
      value:
        lt.n === 0
          ? 'no commit times recorded'
          : `median ${humanSeconds(lt.medianSeconds)}, p90 ${humanSeconds(lt.p90Seconds)} (n=${lt.n})`,
      ...trend(lt.medianSeconds, previous.leadTime.medianSeconds, humanSeconds, false),
    },
    {
      label: 'Change failure rate',
      value: cfr.total === 0 ? 'no deploys' : `${pct(cfr.ratio)} (${cfr.failed} of ${cfr.total})`,
      ...trend(cfr.ratio, previous.changeFailureRate.ratio, pct, false),
    },
    {
      label: 'Time to restore',
      value:
        ttr.n === 0
          ? 'no resolved incidents'
          : `median ${humanSeconds(ttr.medianSeconds)}, p90 ${humanSeconds(ttr.p90Seconds)} (n=${ttr.n})`,
      ...trend(ttr.medianSeconds, previous.timeToRestore.medianSeconds, humanSeconds, false),
    },
  ];
}

const METRIC_NAMES: Record<TargetResult['metric'], string> = {
  deploymentFrequency: 'Deploys',
  leadTime: 'Lead time',
  changeFailureRate: 'Change failure rate',
  timeToRestore: 'Time to restore',
};

/** `Deploys to staging ≥ 1/day: 1.20/day — met`. */
export function targetLine(t: TargetResult): string {
  const where = t.metric === 'deploymentFrequency' ? `to ${t.env}` : `in ${t.env}`;
  return `${METRIC_NAMES[t.metric]} ${where} ${t.target}: ${t.actual} — ${t.status}`;
}

/** `checkout, last 30 days (2026-11-07 → 2026-12-07)`. */
export function scopeLine(card: Pick<Scorecard, 'service' | 'since' | 'until'>): string {
  const days = Math.round((card.until.getTime() - card.since.getTime()) / 86_400_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `${card.service ?? 'all services'}, last ${days} days (${day(card.since)} → ${day(card.until)})`;
}

/** The environments in the order shown, each with its lines. */
export function envSections(card: Pick<Scorecard, 'envs'>) {
  return card.envs.map((e: EnvFigures) => ({
    env: e.env,
    lines: metricLines(e.current, e.previous),
  }));
}
