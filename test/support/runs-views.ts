import type { ActionPlan } from '../../src/actions/types.ts';
import type { Approval, Requirements } from '../../src/domain/policy/index.ts';
import { tally } from '../../src/domain/policy/index.ts';
import type { Run, RunState, RunStep } from '../../src/domain/runs/index.ts';
import type { RunView } from '../../src/runs/types.ts';

/** Fixed "now" of the view fixtures. */
export const NOW = new Date('2026-03-04T14:05:00Z');
export const HASH = 'ab12'.repeat(16);
export const REQUESTER = 'U0ALICE001';
export const LEAD = 'U0LEAD0001';
export const RM = 'U0RM000001';

/** The repository's rollback policy, per environment. */
export const REQUIREMENTS: Record<'staging' | 'prod', Requirements> = {
  staging: {
    command: 'rollback',
    env: 'staging',
    protected: false,
    approvals: { count: 0, roles: [] },
    reasonRequired: false,
    selfApproval: true,
    approvalTtlMs: 15 * 60_000,
  },
  prod: {
    command: 'rollback',
    env: 'prod',
    protected: true,
    approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
    reasonRequired: true,
    selfApproval: false,
    approvalTtlMs: 15 * 60_000,
  },
};

export const ROLLBACK_PLAN: ActionPlan = {
  summary:
    'checkout/prod rollback: revision 7 (`shop/checkout:1.4.2`) → revision 6 (`shop/checkout:1.4.1`), 6 pods',
  diff: ['- app: shop/checkout:1.4.2', '+ app: shop/checkout:1.4.1'],
  affected: '6 pods; ReplicaSet checkout-6f7d is reused',
};

export interface ViewInput {
  id?: string;
  state?: RunState;
  env?: 'staging' | 'prod';
  approvals?: Approval[];
  /** Required approvals, overriding the policy's count. */
  count?: number;
  steps?: Partial<RunStep>[];
  plans?: ActionPlan[];
  reason?: string;
  error?: string;
  revertOf?: string;
  revertUntil?: Date;
  evidenceUrl?: string;
  progress?: string;
  interruptedFrom?: 'executing' | 'reverting';
  channel?: string;
  message?: { channel: string; ts: string };
}

/** A RunView as the engine builds it (waitingFor, tally...), from a few facts. */
export function makeView(input: ViewInput = {}): RunView {
  const env = input.env ?? 'prod';
  const base = REQUIREMENTS[env];
  const requirements: Requirements =
    input.count === undefined
      ? base
      : { ...base, approvals: { ...base.approvals, count: input.count } };
  const steps: RunStep[] = (input.steps ?? [{}]).map((step, index) => ({
    index,
    action: 'k8s.rollout-undo',
    params: { service: 'checkout', env },
    reversible: true,
    plan: ROLLBACK_PLAN.summary,
    state: 'pending',
    ...step,
  }));
  const state = input.state ?? (requirements.approvals.count > 0 ? 'awaiting_approval' : 'planned');
  const run: Run = {
    id: input.id ?? 'r_abcdefghijkl',
    verb: 'rollback',
    target: { service: 'checkout', env },
    requester: REQUESTER,
    state,
    planHash: HASH,
    steps,
    createdAt: new Date(NOW.getTime() - 60_000),
    updatedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 14 * 60_000),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.error ? { error: input.error } : {}),
    ...(input.revertOf ? { revertOf: input.revertOf } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
  };
  const approvals = input.approvals ?? [];
  const view: RunView = {
    run,
    approvals,
    requirements,
    tally: tally({ requirements, approvals, planHash: HASH, now: NOW }),
    plans: input.plans ?? steps.map(() => ROLLBACK_PLAN),
  };
  if (state === 'planned' && requirements.approvals.count === 0) view.waitingFor = 'confirm';
  if (state === 'awaiting_approval') view.waitingFor = 'approval';
  if (input.revertUntil) view.revertUntil = input.revertUntil;
  if (input.evidenceUrl) view.evidenceUrl = input.evidenceUrl;
  if (input.progress) view.progress = input.progress;
  if (input.interruptedFrom) view.interruptedFrom = input.interruptedFrom;
  if (input.message) view.message = input.message;
  return view;
}

/** An approval of the fixtures' plan, `minutesAgo` before NOW. */
export function approval(userId: string, role: string, minutesAgo = 1, planHash = HASH): Approval {
  return { userId, role, planHash, at: new Date(NOW.getTime() - minutesAgo * 60_000) };
}
