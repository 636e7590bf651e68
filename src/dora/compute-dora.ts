import type { DoraChange, DoraIncident, DoraInput } from './schema.ts';
import { distribution } from './stats.ts';
import type {
  DoraEvidence,
  DoraGroupMetrics,
  DoraMetrics,
  DoraReport,
  DoraWindow,
  FailureReason,
} from './types.ts';

export interface DoraOptions {
  since: Date;
  until: Date;
  /** How long after a deployment a rollback, revert or incident is blamed on it. Default 24 h. */
  attributionWindowMs?: number;
  service?: string;
  env?: string;
}

const DAY_MS = 86_400_000;
const DEFAULT_ATTRIBUTION_MS = DAY_MS;
/** Outcomes of a deploy whose new code ran in the environment (a failed or aborted one never fully did). */
const REACHED = new Set(['succeeded', 'rolled-back', 'inconclusive', 'verifying']);
const UNDO_KINDS = new Set(['rollback', 'auto-rollback', 'revert']);

/** A deployment: new code reaching an environment. Rollbacks, reverts and other runs never are. */
export function isDeployment(change: DoraChange): boolean {
  return (
    change.kind === 'deploy' && (change.what ?? 'image') === 'image' && REACHED.has(change.outcome)
  );
}

const ms = (iso: string) => Date.parse(iso);
const targetKey = (service: string, env: string) => `${service}\u0000${env}`;

interface Failure {
  reasons: Set<FailureReason>;
  causes: (DoraChange | DoraIncident)[];
}

/** The deployments of each target, oldest first. */
function byTarget(deployments: DoraChange[]): Map<string, DoraChange[]> {
  const map = new Map<string, DoraChange[]>();
  for (const d of [...deployments].sort((a, b) => ms(a.at) - ms(b.at))) {
    const key = targetKey(d.service, d.env);
    map.set(key, [...(map.get(key) ?? []), d]);
  }
  return map;
}

/** The newest deployment at or before `at` that `pick` accepts. */
function latestBefore(list: DoraChange[] | undefined, at: number, pick = (_: DoraChange) => true) {
  let found: DoraChange | undefined;
  for (const d of list ?? []) if (ms(d.at) <= at && pick(d)) found = d;
  return found;
}

/**
 * Which deployments failed: rolled back by mc's verification, undone by a rollback,
 * auto-rollback or revert of the same target within the window (the undo is blamed on the
 * newest deployment before it), or blamed by triage for an incident opened within the window.
 */
function findFailures(input: DoraInput, deployments: DoraChange[], windowMs: number) {
  const failures = new Map<DoraChange, Failure>();
  const fail = (change: DoraChange, reason: FailureReason, cause?: DoraChange | DoraIncident) => {
    const entry = failures.get(change) ?? { reasons: new Set(), causes: [] };
    entry.reasons.add(reason);
    if (cause) entry.causes.push(cause);
    failures.set(change, entry);
  };
  const targets = byTarget(deployments);
  for (const d of deployments) if (d.outcome === 'rolled-back') fail(d, 'auto-rollback');
  for (const undo of input.changes) {
    if (!UNDO_KINDS.has(undo.kind) || (undo.what ?? 'image') !== 'image') continue;
    const at = ms(undo.at);
    const undone = latestBefore(targets.get(targetKey(undo.service, undo.env)), at);
    if (undone && at - ms(undone.at) <= windowMs) {
      fail(undone, undo.kind as FailureReason, undo);
    }
  }
  for (const incident of input.incidents) {
    const ref = incident.changeRef;
    if (!ref) continue;
    const opened = ms(incident.openedAt);
    const list = targets.get(targetKey(incident.service, incident.env));
    const blamed =
      latestBefore(list, opened, (d) => d.id === ref) ??
      latestBefore(list, opened, (d) => d.to === ref);
    if (blamed && opened - ms(blamed.at) <= windowMs) fail(blamed, 'incident', incident);
  }
  return failures;
}

function metrics(
  window: DoraWindow,
  days: number,
  deployments: DoraChange[],
  failures: Map<DoraChange, Failure>,
  incidents: DoraIncident[],
): DoraMetrics {
  const count = deployments.length;
  const lead = deployments.flatMap((d) =>
    d.commitAt === undefined ? [] : [(ms(d.at) - ms(d.commitAt)) / 1000],
  );
  const failed = deployments.filter((d) => failures.has(d)).length;
  const restore = incidents.flatMap((i) =>
    i.resolvedAt === undefined ? [] : [(ms(i.resolvedAt) - ms(i.openedAt)) / 1000],
  );
  return {
    window,
    deploymentFrequency: { perDay: count / days, perWeek: (count / days) * 7, count },
    leadTime: distribution(lead),
    changeFailureRate: { ratio: count === 0 ? null : failed / count, failed, total: count },
    timeToRestore: distribution(restore),
  };
}

/**
 * The four keys over [since, until), per service and environment and overall: deployment
 * frequency, lead time (commit to running), change failure rate and time to restore (an
 * incident's first signal to its resolution, for incidents opened in the window).
 */
export function computeDora(
  input: DoraInput,
  options: DoraOptions,
): { report: DoraReport; evidence: DoraEvidence } {
  const since = options.since.getTime();
  const until = options.until.getTime();
  if (!(until > since)) throw new RangeError('the window is empty: --since must be before --until');
  const windowMs = options.attributionWindowMs ?? DEFAULT_ATTRIBUTION_MS;
  const keep = (x: { service: string; env: string }) =>
    (options.service === undefined || x.service === options.service) &&
    (options.env === undefined || x.env === options.env);
  const scoped: DoraInput = {
    changes: input.changes.filter(keep),
    incidents: input.incidents.filter(keep),
  };
  const inWindow = (iso: string) => ms(iso) >= since && ms(iso) < until;
  const allDeployments = scoped.changes.filter(isDeployment);
  const failures = findFailures(scoped, allDeployments, windowMs);
  const deployments = allDeployments.filter((d) => inWindow(d.at));
  const incidents = scoped.incidents.filter((i) => inWindow(i.openedAt));
  const window = { since: options.since.toISOString(), until: options.until.toISOString() };
  const days = (until - since) / DAY_MS;

  const keys = new Map<string, { service: string; env: string }>();
  for (const x of [...scoped.changes.filter((c) => inWindow(c.at)), ...incidents]) {
    keys.set(targetKey(x.service, x.env), { service: x.service, env: x.env });
  }
  const services: DoraGroupMetrics[] = [...keys.values()]
    .sort((a, b) => a.service.localeCompare(b.service) || a.env.localeCompare(b.env))
    .map(({ service, env }) => {
      const mine = (x: { service: string; env: string }) => x.service === service && x.env === env;
      return {
        service,
        env,
        ...metrics(window, days, deployments.filter(mine), failures, incidents.filter(mine)),
      };
    });
  const evidence: DoraEvidence = {
    deployments,
    failures: deployments.flatMap((change) => {
      const failure = failures.get(change);
      return failure ? [{ change, reasons: [...failure.reasons], causes: failure.causes }] : [];
    }),
    incidents,
  };
  return {
    report: {
      window,
      attributionWindowSeconds: windowMs / 1000,
      overall: metrics(window, days, deployments, failures, incidents),
      services,
    },
    evidence,
  };
}
