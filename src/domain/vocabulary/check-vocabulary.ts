import type { Catalog } from '../catalog/schema.ts';
import type { Playbook } from '../playbooks/schema.ts';
import { replayTriage } from '../triage/replay.ts';
import { TriageInput, type TriageInputRaw } from '../triage/schema.ts';
import type { CheckedVocabulary } from './check-vocabulary-files.ts';
import { NOISE, NOTIFY_ONLY, type VocabularyAlert, type VocabularyMetric } from './schema.ts';

/** What the library did with one corpus entry, against its classification. */
export interface VocabularyVerdict {
  file: string;
  /** The alert name, or `metric <name>` for metric-only entries. */
  entry: string;
  expected: string;
  actual: string;
  agrees: boolean;
  /** The top suggestion's reasons, or why nothing was suggested. */
  reasons: string[];
}

/** A team's own name for an alert on a metric-only entry: it says nothing about the symptom. */
export const NEUTRAL_ALERT_NAME = 'TeamAlert';
const NOW = '2026-01-15T10:10:00Z';
const STARTED = '2026-01-15T10:00:00Z';

/** The labels that place a replayed alert on a catalog service: its first service's namespace. */
function serviceLabels(catalog: Catalog): Record<string, string> {
  const [name, spec] = Object.entries(catalog.services)[0] ?? [];
  const env = spec ? Object.values(spec.environments)[0] : undefined;
  return name && env ? { service: name, namespace: env.namespace } : {};
}

/** An Alertmanager webhook with one firing alert, as Prometheus would send it for the entry. */
export function vocabularyInput(
  entry: VocabularyAlert | VocabularyMetric,
  catalog: Catalog,
): TriageInputRaw {
  const name = 'name' in entry ? entry.name : NEUTRAL_ALERT_NAME;
  const metrics = 'name' in entry ? entry.metrics : [entry.metric];
  const expr = metrics.length > 0 ? `${metrics.join(' / ')} > 0` : 'vector(1)';
  const labels = { ...serviceLabels(catalog), ...entry.labels, alertname: name };
  return {
    now: NOW,
    alertmanager: [
      {
        version: '4',
        groupKey: `{}:{alertname="${name}"}`,
        status: 'firing',
        receiver: 'mc',
        groupLabels: { alertname: name },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: 'http://alertmanager.monitoring:9093',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: {},
            startsAt: STARTED,
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
            fingerprint: 'f0000000000000001',
          },
        ],
      },
    ],
  };
}

/**
 * Replays every corpus entry as a firing alert on a catalog service and compares the library's
 * answer with the entry's classification: the top suggestion for a playbook, no suggestion for
 * `notify-only`, ignored as noise for `noise`.
 */
export function checkVocabulary(
  files: CheckedVocabulary[],
  options: { catalog: Catalog; playbooks: Playbook[] },
): VocabularyVerdict[] {
  return files.flatMap((file) =>
    [...file.alerts, ...file.metrics].map((entry): VocabularyVerdict => {
      const input = TriageInput.parse(vocabularyInput(entry, options.catalog));
      const report = replayTriage(input, options);
      const incident = report.incidents[0];
      const top = incident?.suggestions[0];
      const noise = report.ignored.length > 0 || incident?.note === 'only noise: nothing to do';
      const actual = top ? top.playbook : noise ? NOISE : NOTIFY_ONLY;
      const reasons = top
        ? top.reasons
        : noise
          ? report.ignored.map((i) => i.reason).concat(incident?.note ?? [])
          : (incident?.candidates.map((c) => `${c.playbook} ${c.score}: ${c.reasons.join('; ')}`) ??
            []);
      return {
        file: file.file,
        entry: 'name' in entry ? entry.name : `metric ${entry.metric}`,
        expected: entry.triage,
        actual,
        agrees: actual === entry.triage,
        reasons,
      };
    }),
  );
}
