import { z } from 'zod';
import { asArray, asRecord } from '../commands/loose.ts';
import { Approvals, Slug, Text } from '../commands/schema.ts';
import { TriageInput } from '../triage/schema.ts';
import { DrillPlaybook } from './drill-schema.ts';
import { GatePlaybook } from './gate-schema.ts';
import { compileLabelMatcher, compileNamePattern, compileRegex } from './patterns.ts';
import { PlaybookId, playbookBase } from './playbook-base.ts';
import { eachString, templateProblems } from './template.ts';

export { PlaybookId } from './playbook-base.ts';
export { DrillPlaybook, GatePlaybook };

export const RULE_NAMES = [
  'alerts',
  'metrics',
  'text',
  'labels',
  'pagerduty',
  'severity',
  'recentDeploy',
] as const;
export const RuleName = z.enum(RULE_NAMES);
export type RuleName = z.infer<typeof RuleName>;

/** What a matched rule adds to the score unless the playbook says otherwise. */
export const DEFAULT_WEIGHTS: Record<RuleName, number> = {
  alerts: 50,
  metrics: 40,
  text: 40,
  pagerduty: 50,
  labels: 20,
  severity: 10,
  recentDeploy: 40,
};

function compiles<T>(compile: (value: T) => { ok: boolean; message?: string }) {
  return (value: T, ctx: z.RefinementCtx) => {
    const result = compile(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message ?? 'is invalid' });
  };
}

/** `KubePod*` (glob over the whole name) or `/^KubePod.*$/i` (regex). */
export const NamePattern = z.string().superRefine(compiles(compileNamePattern));
/** A regex searched in text; a leading `(?i)` makes it case-insensitive. */
export const TextRegex = z.string().min(1).superRefine(compiles(compileRegex));
const LabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name like namespace');

/** `{ name: slo, op: '=~', value: '.*latency.*' }`; a list of names means any of them. */
export const LabelMatcher = z
  .strictObject({
    name: z.union([LabelName, z.array(LabelName).min(1)]),
    op: z.enum(['=', '!=', '=~', '!~']).default('='),
    value: z.string(),
  })
  .superRefine((m, ctx) => {
    const compiled = compileLabelMatcher(m);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', path: ['value'], message: compiled.message });
  });
export type LabelMatcher = z.infer<typeof LabelMatcher>;

export const PagerDutyRule = z
  .strictObject({
    /** Searched in the incident title, after any `[FIRING:N] ` prefix. */
    title: TextRegex.optional(),
    services: z
      .array(z.string().regex(/^P[A-Z0-9]{5,13}$/, 'must be a PagerDuty service id like PCHK7Q2'))
      .min(1)
      .optional(),
    urgency: z
      .array(z.enum(['high', 'low']))
      .min(1)
      .optional(),
  })
  .refine((r) => r.title || r.services || r.urgency, 'must set title, services or urgency');

export const MatchRules = z
  .strictObject({
    alerts: z.array(NamePattern).min(1).optional(),
    /** Metric names (globs or /regex/) read by the alert's expression (its generatorURL). */
    metrics: z.array(NamePattern).min(1).optional(),
    /** Searched in the alert's summary, description and message annotations. */
    text: TextRegex.optional(),
    labels: z.array(LabelMatcher).min(1).optional(),
    pagerduty: PagerDutyRule.optional(),
    severity: z
      .array(z.string().regex(/^[a-z0-9_-]+$/, 'must be lowercase like critical'))
      .min(1)
      .optional(),
    recentDeploy: z.strictObject({ withinMinutes: z.int().min(1).max(1440) }).optional(),
  })
  .refine((m) => m.alerts || m.metrics || m.text || m.pagerduty, {
    message:
      'must have an alerts, metrics, text or pagerduty rule: labels, severity and recentDeploy only refine',
  });
export type MatchRules = z.infer<typeof MatchRules>;

export const Step = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/, 'must be an action name like k8s.scale'),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Skip this step (instead of blocking the plan) when a variable it uses has no value. */
  optional: z.boolean().default(false),
  description: Text.optional(),
});
export type Step = z.infer<typeof Step>;

export const Evidence = z
  .strictObject({ title: Text, url: z.string().min(1).optional(), query: Text.optional() })
  .refine((e) => e.url || e.query, 'must set url or query');
export type Evidence = z.infer<typeof Evidence>;

/**
 * The condition a triage playbook's diagnosis rests on: evaluated against Prometheus before the
 * suggestion is offered (`query comparison threshold` must hold), its value shown. `name` is
 * how the message names the measured value ("5xx ratio is 0.0004, not > 0.01").
 */
export const Confirm = z.strictObject({
  query: Text,
  comparison: z.enum(['<', '<=', '>', '>=']),
  threshold: z.number(),
  name: z.string().trim().min(1).max(40).optional(),
  description: Text.optional(),
});
export type Confirm = z.infer<typeof Confirm>;

export const TriagePlaybook = z
  .strictObject({
    ...playbookBase,
    kind: z.literal('triage'),
    match: MatchRules,
    /** Rules that must match for the playbook to be a candidate at all. */
    require: z.array(RuleName).default([]),
    weights: z.partialRecord(RuleName, z.number().min(0).max(200)).default({}),
    confirm: Confirm.optional(),
    steps: z.array(Step).default([]),
    notifyOnly: z.boolean().default(false),
    evidence: z.array(Evidence).default([]),
    /** Per-environment approval override; environments not listed keep the command policy. */
    approval: z.record(Slug, Approvals).optional(),
  })
  .superRefine(checkTriage, { when: () => true });
export type TriagePlaybook = z.infer<typeof TriagePlaybook>;

export const PLAYBOOK_KINDS = ['triage', 'gate', 'drill'] as const;
export const Playbook = z.discriminatedUnion('kind', [TriagePlaybook, GatePlaybook, DrillPlaybook]);
export type Playbook = z.infer<typeof Playbook>;

/** One case of `playbooks/tests/*.yml`: a recorded input and the playbook it must suggest first. */
export const PlaybookTestCase = z.strictObject({
  name: Text,
  /** Which incident to look at; default: every incident of the input. */
  service: Slug.optional(),
  env: Slug.optional(),
  input: TriageInput,
  expect: z
    .strictObject({ top: PlaybookId.optional(), none: z.literal(true).optional() })
    .refine(
      (e) => (e.top === undefined) !== (e.none === undefined),
      'must be { top: <playbook id> } or { none: true }',
    ),
});
export type PlaybookTestCase = z.infer<typeof PlaybookTestCase>;

export const PlaybookTestFile = z.strictObject({ cases: z.array(PlaybookTestCase).min(1) });
export type PlaybookTestFile = z.infer<typeof PlaybookTestFile>;

/** Rules across fields, read loosely so they run even when other fields failed. */
function checkTriage(raw: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const p = asRecord(raw);
  const match = asRecord(p.match);
  asArray(p.require).forEach((rule, i) => {
    if (typeof rule === 'string' && !(rule in match)) {
      issue(['require', i], `requires "${rule}" but match has no ${rule} rule`);
    }
  });
  for (const rule of Object.keys(asRecord(p.weights))) {
    if ((RULE_NAMES as readonly string[]).includes(rule) && !(rule in match)) {
      issue(['weights', rule], `has no effect: match has no ${rule} rule`);
    }
  }
  const steps = asArray(p.steps);
  const evidence = asArray(p.evidence);
  if (p.notifyOnly === true && steps.length > 0) {
    issue(['steps'], 'must be empty when notifyOnly is true (notify-only playbooks run nothing)');
  }
  if (p.notifyOnly === true && evidence.length === 0) {
    issue(['evidence'], 'must list what to look at when notifyOnly is true');
  }
  if (p.notifyOnly !== true && steps.length === 0) {
    issue(['steps'], 'must list at least one step, or set notifyOnly: true with evidence');
  }
  const templated: [unknown, (string | number)[]][] = [
    [asRecord(p.confirm).query, ['confirm', 'query']],
    ...steps.flatMap((s, i): [unknown, (string | number)[]][] => [
      [asRecord(s).params, ['steps', i, 'params']],
      [asRecord(s).description, ['steps', i, 'description']],
    ]),
    ...evidence.map((e, i): [unknown, (string | number)[]] => [e, ['evidence', i]]),
  ];
  for (const [value, at] of templated) {
    eachString(value, (text, path) => {
      for (const message of templateProblems(text)) issue([...at, ...path], message);
    });
  }
}
