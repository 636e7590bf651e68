import { isoInstant } from '../../util/iso-instant.ts';
import type { Catalog } from '../catalog/schema.ts';
import { orList } from '../policy/format.ts';
import type { Approval, Requirements } from '../policy/index.ts';

/** A change-freeze window in force, with when deploys may resume. */
export interface ActiveFreeze {
  env: string;
  start: Date;
  end: Date;
  reason: string;
  /** When the freeze really lifts: `end`, pushed on by windows that overlap or abut it. */
  liftsAt: Date;
}

/**
 * The freeze in force in `env` at `now` (start inclusive, end exclusive), or undefined. When
 * windows overlap, the one ending last is reported. Unknown environments have no freeze.
 */
export function activeFreeze(
  catalog: Pick<Catalog, 'environments'>,
  env: string,
  now: Date,
): ActiveFreeze | undefined {
  const environment = Object.hasOwn(catalog.environments, env)
    ? catalog.environments[env]
    : undefined;
  const windows = (environment?.freeze ?? [])
    .map((w) => ({ start: new Date(w.start), end: new Date(w.end), reason: w.reason }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const t = now.getTime();
  const active = windows
    .filter((w) => w.start.getTime() <= t && t < w.end.getTime())
    .sort((a, b) => b.end.getTime() - a.end.getTime())[0];
  if (!active) return undefined;
  let liftsAt = active.end;
  for (const w of windows) {
    if (w.start.getTime() <= liftsAt.getTime() && w.end.getTime() > liftsAt.getTime()) {
      liftsAt = w.end;
    }
  }
  return { env, ...active, liftsAt };
}

/** What a deploy (or rollback) may do given the freeze, its override request and approvals. */
export type FreezeDecision =
  | { kind: 'clear' }
  /** Rollbacks reduce risk: they go ahead during a freeze, with a note saying so. */
  | { kind: 'exempt'; freeze: ActiveFreeze; message: string }
  | { kind: 'refused'; freeze: ActiveFreeze; message: string }
  /** Override asked with a reason: the run must be approved under `requirements`. */
  | { kind: 'needs_override'; freeze: ActiveFreeze; requirements: Requirements; message: string }
  | {
      kind: 'overridden';
      freeze: ActiveFreeze;
      approval: Approval;
      reason: string;
      message: string;
    };

export interface FreezeInput {
  catalog: Pick<Catalog, 'environments'>;
  env: string;
  now: Date;
  /** `deploy`, `rollback`, or `auto-rollback`: only deploys are frozen. */
  kind: 'deploy' | 'rollback' | 'auto-rollback';
  /** Roles whose approval overrides a freeze (proposed catalog field: `freezeOverrideRoles`). */
  overrideRoles: string[];
  /** The command's own requirements, which an override tightens. */
  requirements: Requirements;
  requester: string;
  /** Present when the requester typed `--override-freeze`. */
  override?: { reason?: string | undefined };
  /** Approvals recorded on the run so far. */
  approvals?: Approval[];
}

/**
 * A deploy during a freeze is refused unless `--override-freeze --reason …` was given and
 * someone else holding one of `overrideRoles` approved it. Pure: the caller records the
 * override (reason, approver, window) in the ledger.
 */
export function freezeDecision(input: FreezeInput): FreezeDecision {
  const freeze = activeFreeze(input.catalog, input.env, input.now);
  if (!freeze) return { kind: 'clear' };
  const window = describeFreeze(freeze);
  if (input.kind !== 'deploy') {
    return {
      kind: 'exempt',
      freeze,
      message: `${window}. Rollbacks are allowed during a freeze; this one goes ahead.`,
    };
  }
  const roles = orList(input.overrideRoles);
  const reason = input.override?.reason?.trim();
  if (!input.override || !reason || input.overrideRoles.length === 0) {
    return { kind: 'refused', freeze, message: refusal(window, input, roles, !!input.override) };
  }
  const approval = (input.approvals ?? []).find(
    (a) => input.overrideRoles.includes(a.role) && a.userId !== input.requester,
  );
  if (approval) {
    return {
      kind: 'overridden',
      freeze,
      approval,
      reason,
      message: `${window}. Freeze overridden by <@${approval.userId}> (${approval.role}): ${reason}`,
    };
  }
  return {
    kind: 'needs_override',
    freeze,
    requirements: overrideRequirements(input.requirements, input.overrideRoles),
    message: `${window}. Freeze override requested (${reason}): one of ${roles} other than the requester must approve.`,
  };
}

/** The command's requirements tightened for a freeze override: an approver from `overrideRoles`, a reason, no self-approval. */
export function overrideRequirements(base: Requirements, overrideRoles: string[]): Requirements {
  return {
    ...base,
    approvals: { count: Math.max(1, base.approvals.count), roles: [...overrideRoles] },
    reasonRequired: true,
    selfApproval: false,
  };
}

/**
 * "`prod` is frozen until 2027-01-04T08:00:00Z (Year-end change freeze; since …)": ISO
 * instants, which Slack messages show in each reader's time zone.
 */
export function describeFreeze(freeze: ActiveFreeze): string {
  return `\`${freeze.env}\` is frozen until ${isoInstant(freeze.liftsAt)} (${freeze.reason}; since ${isoInstant(freeze.start)})`;
}

function refusal(window: string, input: FreezeInput, roles: string, asked: boolean): string {
  if (input.overrideRoles.length === 0) {
    return `${window}. Deploys are refused during a freeze and no role may override it here; deploy after it lifts.`;
  }
  const fix = asked
    ? 'An override needs a reason: add `--reason "why this cannot wait"`'
    : 'If this cannot wait, ask for an override: add `--override-freeze --reason "why this cannot wait"` to your command';
  return `${window}. Deploys are refused during a freeze. ${fix}; one of ${roles} (not you) must approve it.`;
}
