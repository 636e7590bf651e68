import type { Catalog } from '../catalog/schema.ts';
import { parseDuration } from '../commands/value-types.ts';
import type { DrillPlaybook, RecoveryCondition } from '../playbooks/drill-schema.ts';
import { renderDeep } from '../playbooks/template.ts';
import { describeSeconds } from './describe-seconds.ts';
import { describePodShare } from './pod-share.ts';

/** What `/mc drill` asked for, after parsing. */
export interface DrillAsk {
  service: string;
  env: string;
  /** `--duration`, in seconds. */
  durationSeconds: number;
  /** `--dependency`, for a dependency outage. */
  dependency?: string | undefined;
}

/** One step of the fault run, as the run engine takes it. */
export interface DrillStep {
  action: string;
  params: Record<string, unknown>;
}

/** A drill ready to be asked of the run engine: what it changes, measures and restores. */
export interface DrillPlan {
  scenario: string;
  title: string;
  service: string;
  env: string;
  dependency?: string;
  /** The run's target: the dependency for an outage, else the service. */
  faultTarget: { service: string; env: string };
  faultSteps: DrillStep[];
  recovery: RecoveryCondition;
  rtoSeconds: number;
  /** The restore deadline, counted from the fault. */
  deadlineSeconds: number;
  /** Keep the fault until the deadline (a dependency outage) instead of restoring once measured. */
  hold: boolean;
  restore: DrillPlaybook['restore'];
  watchSlo: boolean;
  /** Who and what the fault touches, for the plan message. */
  blastRadius: string[];
  /** The fault run's plan as the engine computed it from live state (one line per step). */
  faultSummary?: string[];
}

export type DrillPlanResult = { ok: true; plan: DrillPlan } | { ok: false; message: string };

/** Services whose catalog entry lists `service` as a dependency. */
export function callersOf(catalog: Catalog, service: string): string[] {
  return Object.entries(catalog.services)
    .filter(([, s]) => s.dependencies.includes(service))
    .map(([name]) => name);
}

const list = (names: string[]) => names.map((n) => `\`${n}\``).join(', ');

/**
 * Turns a drill playbook and a request into a plan, or says why it cannot run: an environment
 * the scenario does not allow, a duration past its maximum, a service without dependencies.
 */
export function planDrill(
  playbook: DrillPlaybook,
  catalog: Catalog,
  ask: DrillAsk,
): DrillPlanResult {
  const { service, env } = ask;
  const label = `${service}/${env}`;
  if (!playbook.environments.includes(env)) {
    return {
      ok: false,
      message: `The \`${playbook.id}\` drill may not run in \`${env}\`: it is allowed only in ${list(playbook.environments)} (\`environments\` in playbooks/drills/${playbook.id}.yml). Nothing was changed.`,
    };
  }
  const max = parseDuration(playbook.maxDuration) ?? 0;
  if (ask.durationSeconds > max) {
    return {
      ok: false,
      message: `\`--duration ${describeSeconds(ask.durationSeconds)}\` is longer than the \`${playbook.id}\` drill allows (maxDuration ${playbook.maxDuration}). Ask for ${playbook.maxDuration} or less.`,
    };
  }
  if (ask.durationSeconds <= 0)
    return { ok: false, message: '`--duration` must be longer than 0s.' };
  const filled = renderDeep(playbook, (name) =>
    name === 'service' ? service : name === 'env' ? env : undefined,
  ).value as DrillPlaybook;
  const base = {
    scenario: playbook.id,
    title: playbook.title,
    service,
    env,
    recovery: filled.recovery.condition,
    rtoSeconds: parseDuration(playbook.recovery.rto) ?? 0,
    deadlineSeconds: ask.durationSeconds,
    hold: playbook.hold,
    restore: filled.restore,
    watchSlo: playbook.watchSlo,
  };
  const target = { service, env };
  const callers = callersOf(catalog, service);
  const callerLine = callers.length
    ? `Callers of \`${service}\` (catalog): ${list(callers)}.`
    : `No service in the catalog lists \`${service}\` as a dependency.`;
  const fault = filled.fault;
  const deadline = `Restored at the latest ${describeSeconds(ask.durationSeconds)} after the fault.`;
  switch (fault.kind) {
    case 'pod-kill': {
      const share = describePodShare(fault);
      return {
        ok: true,
        plan: {
          ...base,
          faultTarget: target,
          faultSteps: [
            {
              action: 'k8s.delete-pods',
              params: {
                ...target,
                ...(fault.count !== undefined
                  ? { count: fault.count }
                  : { percent: fault.percent }),
              },
            },
          ],
          blastRadius: [
            `Deletes ${share} of \`${label}\`; the others keep serving while the ReplicaSet replaces them.`,
            callerLine,
            deadline,
          ],
        },
      };
    }
    case 'dependency-outage': {
      const deps = catalog.services[service]?.dependencies ?? [];
      const dependency = ask.dependency ?? deps[0];
      if (!dependency) {
        return {
          ok: false,
          message: `\`${service}\` lists no dependencies in catalog.yml, so there is nothing to take away. Add \`dependencies\` to it, or pass \`--dependency <service>\`.`,
        };
      }
      if (dependency === service) {
        return {
          ok: false,
          message: `\`${service}\` cannot be its own dependency; pick another with \`--dependency\`.`,
        };
      }
      if (!catalog.services[dependency]?.environments[env]) {
        return {
          ok: false,
          message: `\`${dependency}\` has no environment \`${env}\` in catalog.yml; pick another dependency.`,
        };
      }
      const others = callersOf(catalog, dependency).filter((s) => s !== service);
      return {
        ok: true,
        plan: {
          ...base,
          dependency,
          faultTarget: { service: dependency, env },
          faultSteps: [{ action: 'k8s.scale', params: { service: dependency, env, replicas: 0 } }],
          blastRadius: [
            `\`${dependency}/${env}\` has no pods for ${describeSeconds(ask.durationSeconds)}: \`${service}\` loses it${others.length ? `, and so do ${list(others)}` : ''}.`,
            deps.includes(dependency)
              ? `\`${service}\` declares \`${dependency}\` as a dependency; its SLOs are watched throughout.`
              : `\`${service}\` does not declare \`${dependency}\` as a dependency in the catalog.`,
            deadline,
          ],
        },
      };
    }
    case 'rollback-rehearsal':
      return {
        ok: true,
        plan: {
          ...base,
          faultTarget: target,
          faultSteps: [{ action: 'k8s.rollout-undo', params: { ...target } }],
          blastRadius: [
            `\`${label}\` runs its previous revision during the drill; every pod is replaced twice (back, then forward).`,
            callerLine,
            deadline,
          ],
        },
      };
    case 'kill-switch':
      return {
        ok: true,
        plan: {
          ...base,
          faultTarget: target,
          faultSteps: [
            {
              action: 'k8s.set-configmap-key',
              params: { ...target, configMap: fault.configMap, key: fault.key, value: fault.value },
            },
          ],
          blastRadius: [
            `\`${fault.configMap}\` key \`${fault.key}\` becomes \`${fault.value}\` for every user of \`${label}\` until restored.`,
            callerLine,
            deadline,
          ],
        },
      };
  }
}
