import { humanSeconds } from './stats.ts';
import type { DoraMetrics, DoraReport } from './types.ts';

const percent = (ratio: number | null) => (ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`);
const fixed = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** The four keys of one row, as a person reads them. */
export function metricLines(m: DoraMetrics): string[] {
  const f = m.deploymentFrequency;
  const cfr = m.changeFailureRate;
  return [
    `deployment frequency  ${f.count} deploys (${fixed(f.perDay)}/day, ${fixed(f.perWeek)}/week)`,
    `lead time             median ${humanSeconds(m.leadTime.medianSeconds)}, p90 ${humanSeconds(m.leadTime.p90Seconds)} (n=${m.leadTime.n})`,
    `change failure rate   ${percent(cfr.ratio)} (${cfr.failed} of ${cfr.total})`,
    `time to restore       median ${humanSeconds(m.timeToRestore.medianSeconds)}, p90 ${humanSeconds(m.timeToRestore.p90Seconds)} (n=${m.timeToRestore.n})`,
  ];
}

/** `mc dora --format text`. */
export function formatDoraText(report: DoraReport): string {
  const head = `DORA ${report.window.since} → ${report.window.until} (failures attributed within ${humanSeconds(report.attributionWindowSeconds)})`;
  const blocks = [
    [head, '', 'overall', ...metricLines(report.overall).map((l) => `  ${l}`)],
    ...report.services.map((s) => [
      `${s.service} ${s.env}`,
      ...metricLines(s).map((l) => `  ${l}`),
    ]),
  ];
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}

const CSV_HEADER = [
  'service',
  'env',
  'since',
  'until',
  'deploys',
  'deploys_per_day',
  'deploys_per_week',
  'lead_time_median_seconds',
  'lead_time_p90_seconds',
  'lead_time_n',
  'change_failure_rate',
  'failed_deploys',
  'time_to_restore_median_seconds',
  'time_to_restore_p90_seconds',
  'time_to_restore_n',
];

const cell = (v: number | string | null) => {
  if (v === null) return '';
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function csvRow(service: string, env: string, m: DoraMetrics): string {
  return [
    service,
    env,
    m.window.since,
    m.window.until,
    m.deploymentFrequency.count,
    m.deploymentFrequency.perDay,
    m.deploymentFrequency.perWeek,
    m.leadTime.medianSeconds,
    m.leadTime.p90Seconds,
    m.leadTime.n,
    m.changeFailureRate.ratio,
    m.changeFailureRate.failed,
    m.timeToRestore.medianSeconds,
    m.timeToRestore.p90Seconds,
    m.timeToRestore.n,
  ]
    .map(cell)
    .join(',');
}

/** `mc dora --format csv`: one row per service and env, then `*,*` for overall. */
export function formatDoraCsv(report: DoraReport): string {
  const rows = [
    CSV_HEADER.join(','),
    ...report.services.map((s) => csvRow(s.service, s.env, s)),
    csvRow('*', '*', report.overall),
  ];
  return `${rows.join('\n')}\n`;
}
