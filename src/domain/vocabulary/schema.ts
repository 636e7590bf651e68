import { z } from 'zod';

/** How an alert of the corpus is handled: a triage playbook id, forwarded only, or ignored. */
export const Classification = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be a triage playbook id, notify-only or noise');
export type Classification = z.infer<typeof Classification>;

export const NOTIFY_ONLY = 'notify-only';
export const NOISE = 'noise';

const LabelSet = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name'),
  z.string(),
);
const MetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name like up');

const Classified = {
  /** What it means, in our words (never the rule's own prose). */
  means: z.string().trim().min(1),
  triage: Classification,
  /** One line: why this playbook, or why nothing is suggested. */
  why: z.string().trim().min(1),
};

/** One alerting rule of a public rule set: its name, static labels and expression metrics. */
export const VocabularyAlert = z.strictObject({
  name: z.string().min(1),
  labels: LabelSet.default({}),
  metrics: z.array(MetricName).default([]),
  /** The rule file, when the source has one per alert. */
  file: z.string().optional(),
  ...Classified,
});
export type VocabularyAlert = z.infer<typeof VocabularyAlert>;

/** A metric that projects export without alert rules: alerts on it are named by each team. */
export const VocabularyMetric = z.strictObject({
  metric: MetricName,
  labels: LabelSet.default({}),
  ...Classified,
});
export type VocabularyMetric = z.infer<typeof VocabularyMetric>;

/** One `playbooks/vocabulary/*.yml` file: a public source pinned to a version, and its alerts. */
export const VocabularyFile = z
  .strictObject({
    source: z.strictObject({
      name: z.string().min(1),
      repo: z.string().min(1),
      version: z.string().min(1),
      commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full 40-hex commit'),
      files: z.union([z.string(), z.array(z.string()).min(1)]),
    }),
    alerts: z.array(VocabularyAlert).default([]),
    metrics: z.array(VocabularyMetric).default([]),
  })
  .refine((f) => f.alerts.length + f.metrics.length > 0, 'must list alerts or metrics');
export type VocabularyFile = z.infer<typeof VocabularyFile>;
