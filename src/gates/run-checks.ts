import { setTimeout as delay } from 'node:timers/promises';
import { resolveTarget } from '../actions/resolve-target.ts';
import { imagesOf } from '../adapters/kubernetes/replica-sets.ts';
import { rolloutStatus } from '../adapters/kubernetes/rollout-status.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import { evaluateThreshold, formatNumber } from '../adapters/prometheus/evaluate-threshold.ts';
import { parseDuration } from '../domain/commands/value-types.ts';
import { activeFreeze, describeFreeze } from '../domain/deploys/freeze.ts';
import type { GateCheck, GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { renderTemplate } from '../domain/playbooks/template.ts';
import type { CheckSources, GateSubject } from './check-sources.ts';
import type { CheckResult, GateResult } from './decide-gate.ts';
import { signatureCheck } from './signature-check.ts';

export type { CheckSources, GateSubject } from './check-sources.ts';

const DEFAULT_TIMEOUT_MS = 10_000;
type Outcome = Omit<CheckResult, 'checkId' | 'title'>;

/**
 * Runs every check of a gate set concurrently, each under its timeout: a check that throws or
 * times out is `inconclusive` with the reason, never `passed`. Results keep the set's order.
 */
export async function runGateChecks(
  set: GatePlaybook,
  subject: GateSubject,
  sources: CheckSources,
): Promise<GateResult[]> {
  return Promise.all(
    set.gates.map(async (gate) => ({
      name: gate.name,
      checks: await Promise.all(gate.checks.map((check) => runOne(check, subject, sources))),
    })),
  );
}

async function runOne(
  check: GateCheck,
  subject: GateSubject,
  sources: CheckSources,
): Promise<CheckResult> {
  const timeoutMs = check.timeout
    ? (parseDuration(check.timeout) ?? 10) * 1000
    : DEFAULT_TIMEOUT_MS;
  const abort = new AbortController();
  const timedOut = delay(timeoutMs, undefined, { signal: abort.signal }).then(
    (): Outcome => ({
      status: 'inconclusive',
      reason: `no answer within ${timeoutMs / 1000} s`,
    }),
  );
  try {
    const outcome = await Promise.race([evaluate(check, subject, sources, abort.signal), timedOut]);
    return { checkId: check.id, title: check.title, ...outcome };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { checkId: check.id, title: check.title, status: 'inconclusive', reason: message };
  } finally {
    abort.abort();
    timedOut.catch(() => undefined);
  }
}

function evaluate(
  check: GateCheck,
  subject: GateSubject,
  sources: CheckSources,
  signal: AbortSignal,
): Promise<Outcome> {
  switch (check.kind) {
    case 'promql':
      return promql(check, subject, sources);
    case 'pagerduty-open-incidents':
      return openIncidents(check, subject, sources);
    case 'rollout-healthy':
      return rolloutHealthy(subject, sources);
    case 'images-pinned':
      return imagesPinned(subject, sources);
    case 'drill-fresh':
      return drillFresh(check, subject, sources);
    case 'change-freeze':
      return changeFreeze(subject, sources);
    case 'signature':
      return signatureCheck(check, subject, sources, signal);
  }
}

async function promql(
  check: Extract<GateCheck, { kind: 'promql' }>,
  subject: GateSubject,
  sources: CheckSources,
): Promise<Outcome> {
  if (check.environments && !check.environments.includes(subject.env)) {
    return { status: 'passed', reason: `not checked in ${subject.env}` };
  }
  if (!sources.prometheus) return { status: 'inconclusive', reason: 'PROMETHEUS_URL is not set' };
  const vars: Record<string, string> = { service: subject.service, env: subject.env };
  const query = renderTemplate(check.query, (name) => vars[name]).text;
  const result = await evaluateThreshold(sources.prometheus, {
    query,
    comparison: check.comparison,
    threshold: check.threshold,
  });
  return {
    status: result.status,
    reason: result.reason,
    ...(result.value === undefined ? {} : { value: formatNumber(result.value) }),
    link: sources.prometheus.graphUrl(query),
  };
}

async function openIncidents(
  check: Extract<GateCheck, { kind: 'pagerduty-open-incidents' }>,
  subject: GateSubject,
  sources: CheckSources,
): Promise<Outcome> {
  const serviceId = sources.catalog.services[subject.service]?.pagerduty?.serviceId;
  if (!serviceId) {
    return {
      status: 'inconclusive',
      reason: `${subject.service} has no pagerduty.serviceId in catalog.yml`,
    };
  }
  if (!sources.pagerduty) return { status: 'inconclusive', reason: 'PAGERDUTY_TOKEN is not set' };
  const open = await sources.pagerduty.listOpenIncidents({
    serviceIds: [serviceId],
    urgencies: check.urgencies,
  });
  if (open.length === 0) {
    return {
      status: 'passed',
      value: '0',
      reason: `no open ${check.urgencies.join('/')} incident`,
    };
  }
  const first = open[0];
  return {
    status: 'failed',
    value: String(open.length),
    reason: `${open.length} open incident(s): ${open
      .slice(0, 3)
      .map((i) => `#${i.incident_number} ${i.title}`)
      .join('; ')}`,
    ...(first?.html_url ? { link: first.html_url } : {}),
  };
}

async function rolloutHealthy(subject: GateSubject, sources: CheckSources): Promise<Outcome> {
  const target = resolveTarget(sources.catalog, subject.service, subject.env);
  const workload = await readWorkload(sources.kube, target.workload);
  const status = rolloutStatus(workload);
  const available = Number(workload.status.availableReplicas ?? 0);
  const value = `${available}/${workload.replicas} available`;
  if (status.state === 'complete' && available >= workload.replicas) {
    return { status: 'passed', value, reason: status.message };
  }
  return { status: 'failed', value, reason: status.message };
}

async function imagesPinned(subject: GateSubject, sources: CheckSources): Promise<Outcome> {
  const target = resolveTarget(sources.catalog, subject.service, subject.env);
  const workload = await readWorkload(sources.kube, target.workload);
  const images = Object.entries(imagesOf(workload.template));
  const unpinned = images.filter(([, image]) => !/@sha256:[0-9a-f]{64}$/.test(image));
  const value = `${images.length - unpinned.length}/${images.length} pinned`;
  if (unpinned.length === 0) {
    return { status: 'passed', value, reason: 'every image is referenced by sha256 digest' };
  }
  return {
    status: 'failed',
    value,
    reason: `not pinned by digest: ${unpinned.map(([c, image]) => `${c}=\`${image}\``).join(', ')}`,
  };
}

async function drillFresh(
  check: Extract<GateCheck, { kind: 'drill-fresh' }>,
  subject: GateSubject,
  sources: CheckSources,
): Promise<Outcome> {
  const seconds = parseDuration(check.within) ?? 0;
  const since = new Date(sources.clock().getTime() - seconds * 1000);
  const drills = await sources.drills.recent({
    service: subject.service,
    env: subject.env,
    since,
    scenario: check.scenario,
  });
  const passed = drills.find((d) => d.outcome === 'passed');
  if (passed) {
    return {
      status: 'passed',
      reason: `${check.scenario} passed at ${passed.finishedAt} (RTO ${passed.rtoSeconds} s)`,
      ...(passed.recoverySeconds === null ? {} : { value: `${passed.recoverySeconds} s recovery` }),
      ...(passed.evidenceUrl ? { link: passed.evidenceUrl } : {}),
    };
  }
  const last = drills[0];
  return {
    status: 'failed',
    reason: last
      ? `no passed ${check.scenario} drill within ${check.within}; the last one ${last.outcome} at ${last.finishedAt}`
      : `no ${check.scenario} drill of ${subject.service} in ${subject.env} within ${check.within}`,
    ...(last?.evidenceUrl ? { link: last.evidenceUrl } : {}),
  };
}

async function changeFreeze(subject: GateSubject, sources: CheckSources): Promise<Outcome> {
  const freeze = activeFreeze(sources.catalog, subject.env, sources.clock());
  if (!freeze) return { status: 'passed', reason: `${subject.env} is not in a change freeze` };
  return { status: 'failed', reason: describeFreeze(freeze) };
}
