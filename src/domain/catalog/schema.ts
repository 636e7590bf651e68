import { z } from 'zod';
import { suggest } from '../../util/suggest.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import { Approvals, Duration, Slug as Name, Text } from '../commands/schema.ts';
import { DoraSettings } from './dora-settings.ts';

export * from '../commands/schema.ts';

const SlackChannel = z
  .string()
  .regex(
    /^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/,
    'must be #channel-name or a channel id',
  );
const DnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes name (RFC 1123 label)');
const Selector = z
  .string()
  .regex(
    /^\{\s*[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"(\s*,\s*[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*")*\s*,?\s*\}$/,
    'must be a Prometheus label matcher like {service="checkout"}',
  );
const PromQl = Text.refine(balanced, 'has unbalanced (), [] or {}');

/** Whether (), [] and {} nest properly outside string literals: a cheap PromQL sanity check. */
function balanced(query: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const c = query[i] ?? '';
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && quote === undefined;
}

export const FreezeWindow = z
  .strictObject({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    reason: Text,
  })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    path: ['end'],
    message: 'must be after start',
  });
export type FreezeWindow = z.infer<typeof FreezeWindow>;

/**
 * One part of an environment's baseline policy: each field only ever makes a run's policy
 * stricter (the strictest of the verb's policy, this, and a playbook's override wins).
 */
export const BaselineRule = z.strictObject({
  /** Who may ask for a change here at all: `anyone`, or catalog roles. */
  requesters: z.union([z.literal('anyone'), z.array(Name).min(1)]).optional(),
  approvals: Approvals.optional(),
  selfApproval: z.boolean().optional(),
  reasonRequired: z.boolean().optional(),
  /** The shortest reason accepted where one is required (default 10 in a protected environment). */
  reasonMinLength: z.int().min(1).max(500).optional(),
  approvalTtl: Duration.optional(),
});
export type BaselineRule = z.infer<typeof BaselineRule>;

/** An environment's baseline for every run there, whatever created it; optionally per action. */
export const Baseline = BaselineRule.extend({
  /** Stricter rules for runs with a step of this action (`k8s.scale: { approvals: ... }`). */
  actions: z
    .record(
      z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be an action name like k8s.scale'),
      BaselineRule,
    )
    .default({}),
});
export type Baseline = z.infer<typeof Baseline>;

export const Environment = z.strictObject({
  description: Text,
  protected: z.boolean(),
  /**
   * The baseline policy of every run here. Absent in a protected environment: one approval
   * from a holder of any role that approves some command here, never the requester, with a
   * reason of at least 10 characters.
   */
  policy: Baseline.optional(),
  freeze: z.array(FreezeWindow).default([]),
  /**
   * Roles whose approval lets a deploy through a freeze (`--override-freeze --reason`).
   * Absent: the approvers of the command's policy for this environment; `[]`: nobody.
   */
  freezeOverrideRoles: z.array(Name).optional(),
  /**
   * Act as the person: every Kubernetes call of a run here carries Impersonate-User/-Group for
   * the identity `kubernetesIdentities` maps the approver (or the requester) to.
   */
  impersonate: z.boolean().optional(),
});
export type Environment = z.infer<typeof Environment>;

export const Slo = z.strictObject({
  name: Name,
  query: PromQl,
  comparison: z.enum(['<', '<=', '>', '>=']),
  threshold: z.number(),
  description: Text,
});
export type Slo = z.infer<typeof Slo>;

export const ServiceEnvironment = z.strictObject({
  context: Text,
  namespace: DnsLabel,
  workload: z.strictObject({ kind: z.enum(['Deployment', 'Rollout']), name: DnsLabel }),
  container: DnsLabel,
});
export type ServiceEnvironment = z.infer<typeof ServiceEnvironment>;

export const Service = z.strictObject({
  description: Text,
  slackChannel: SlackChannel,
  pagerduty: z.strictObject({
    serviceId: z.string().regex(/^P[A-Z0-9]{5,13}$/, 'must be a PagerDuty service id like PCHK7Q2'),
  }),
  prometheus: z.strictObject({ selector: Selector }),
  slo: z.array(Slo).min(1, 'must list at least one SLO'),
  dependencies: z.array(Name).default([]),
  /**
   * Globs (`*` any run, `?` one character) over what the service owns: queues, consumer groups,
   * topics, databases, caches, host names. An alert whose `queue`, `consumergroup`, `datname`,
   * instance host... label fits one is about this service.
   */
  owns: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9_.:/*?-]+$/, 'must be a name or glob like payments-* or *.payments.svc'),
    )
    .default([]),
  environments: z.record(Name, ServiceEnvironment),
});
export type Service = z.infer<typeof Service>;

export const Role = z
  .strictObject({
    description: Text,
    users: z
      .array(z.string().regex(/^[UW][A-Z0-9]{8,}$/, 'must be a Slack user id like U01ALICE01'))
      .default([]),
    groups: z
      .array(z.string().regex(/^S[A-Z0-9]{8,}$/, 'must be a Slack user-group id like S01SRELEAD'))
      .default([]),
  })
  .refine((r) => r.users.length + r.groups.length > 0, 'must list at least one user or group');
export type Role = z.infer<typeof Role>;

const SLACK_USER = /^[UW][A-Z0-9]{8,}$/;

const KubeName = z
  .string()
  .regex(/^[^\s,]{1,253}$/, 'must be a Kubernetes user or group name (no spaces or commas)')
  .refine((name) => name !== 'system:masters', 'system:masters bypasses RBAC: map a real group');

/** The Kubernetes user and groups a Slack user acts as where `impersonate: true`. */
export const KubeIdentity = z.strictObject({
  user: KubeName,
  groups: z.array(KubeName).default([]),
});
export type KubeIdentity = z.infer<typeof KubeIdentity>;

export const Catalog = z
  .strictObject({
    defaults: z.strictObject({ environment: Name, slackChannel: SlackChannel }),
    environments: z.record(Name, Environment),
    services: z.record(Name, Service),
    roles: z.record(Name, Role),
    /** Slack user id → Kubernetes identity, for environments with `impersonate: true`. */
    // Keys are checked in checkCatalog: a bad record key would only say "Invalid key in record".
    kubernetesIdentities: z.record(z.string(), KubeIdentity).default({}),
    /** Delivery metrics: attribution window, baselines, targets, weekly scorecard. */
    dora: DoraSettings.optional(),
  })
  .superRefine(checkCatalog, { when: () => true });
export type Catalog = z.infer<typeof Catalog>;

/** `unknown service "paymnts"; known: checkout, payments. Did you mean "payments"?` */
export function unknownName(kind: string, name: string, known: string[]): string {
  const close = suggest(name, known);
  return `unknown ${kind} "${name}"; known: ${known.join(', ') || '(none)'}${close ? `. Did you mean "${close}"?` : ''}`;
}

/** A baseline's roles exist, and a rule that wants approvals names who gives them. */
function checkBaseline(
  policy: Record<string, unknown>,
  env: string,
  roles: string[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  const rules: [(string | number)[], Record<string, unknown>][] = [
    [['environments', env, 'policy'], policy],
    ...Object.entries(asRecord(policy.actions)).map(
      ([action, rule]): [(string | number)[], Record<string, unknown>] => [
        ['environments', env, 'policy', 'actions', action],
        asRecord(rule),
      ],
    ),
  ];
  for (const [at, rule] of rules) {
    const approvals = asRecord(rule.approvals);
    const named: [string, unknown[]][] = [
      ['requesters', asArray(rule.requesters)],
      ['approvals.roles', asArray(approvals.roles)],
    ];
    for (const [key, list] of named) {
      list.forEach((role, i) => {
        if (typeof role === 'string' && !roles.includes(role)) {
          issue([...at, ...key.split('.'), i], unknownName('role', role, roles));
        }
      });
    }
    if (typeof approvals.count === 'number' && approvals.count > 0) {
      if (asArray(approvals.roles).length === 0) {
        issue([...at, 'approvals', 'roles'], 'must name at least one role when count > 0');
      }
    }
  }
}

/** Names that must point somewhere: defaults, service environments, dependencies. Reads loosely. */
function checkCatalog(raw: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const c = asRecord(raw);
  const envs = Object.keys(asRecord(c.environments));
  const services = asRecord(c.services);
  if (envs.length === 0) issue(['environments'], 'must define at least one environment');
  const roles = Object.keys(asRecord(c.roles));
  const identities = Object.keys(asRecord(c.kubernetesIdentities));
  for (const id of identities.filter((key) => !SLACK_USER.test(key)))
    issue(['kubernetesIdentities', id], 'must be a Slack user id like U01ALICE01');
  for (const env of envs) {
    if (asRecord(asRecord(c.environments)[env]).impersonate === true && identities.length === 0) {
      issue(
        ['environments', env, 'impersonate'],
        'needs kubernetesIdentities: map each Slack user id who acts here to a Kubernetes user',
      );
    }
    checkBaseline(asRecord(asRecord(asRecord(c.environments)[env]).policy), env, roles, issue);
    const overrides = asRecord(asRecord(c.environments)[env]).freezeOverrideRoles;
    asArray(overrides).forEach((role, i) => {
      if (typeof role === 'string' && !roles.includes(role)) {
        issue(['environments', env, 'freezeOverrideRoles', i], unknownName('role', role, roles));
      }
    });
  }
  const frequency = asRecord(asRecord(asRecord(c.dora).targets).deploymentFrequency);
  for (const env of Object.keys(frequency)) {
    if (!envs.includes(env)) {
      issue(['dora', 'targets', 'deploymentFrequency', env], unknownName('environment', env, envs));
    }
  }
  const fallback = asString(asRecord(c.defaults).environment);
  if (fallback !== undefined && !envs.includes(fallback)) {
    issue(['defaults', 'environment'], unknownName('environment', fallback, envs));
  }
  for (const [name, value] of Object.entries(services)) {
    const service = asRecord(value);
    const svcEnvs = Object.keys(asRecord(service.environments));
    if (svcEnvs.length === 0) {
      issue(['services', name, 'environments'], 'must define at least one environment');
    }
    for (const env of svcEnvs.filter((e) => !envs.includes(e))) {
      issue(['services', name, 'environments', env], unknownName('environment', env, envs));
    }
    asArray(service.dependencies).forEach((dep, i) => {
      if (typeof dep !== 'string') return;
      const at = ['services', name, 'dependencies', i];
      if (dep === name) issue(at, 'a service cannot depend on itself');
      else if (!Object.hasOwn(services, dep))
        issue(at, unknownName('service', dep, Object.keys(services)));
    });
    const slos = new Set<string>();
    asArray(service.slo).forEach((slo, i) => {
      const sloName = asString(asRecord(slo).name);
      if (sloName && slos.has(sloName)) {
        issue(['services', name, 'slo', i, 'name'], `"${sloName}" is declared twice`);
      }
      if (sloName) slos.add(sloName);
    });
  }
}
