import type { ActionPlan, Json } from '../actions/types.ts';
import type { KubeIdentity } from '../domain/catalog/schema.ts';
import type { Requirements } from '../domain/policy/index.ts';
import { Run, type RunState } from '../domain/runs/index.ts';
import type { VerificationSummary } from './verification-summary.ts';

/** Revert runs: which step of the original a step undoes, and the state it restores. */
export interface Restore {
  run: string;
  step: number;
  /** The original step's `before`: what this step puts back. */
  before: Json;
  /** The original step's `after`: what this step replaces. */
  after: Json;
}

/** A run as stored, with what the domain Run does not carry. */
export interface StoredRun {
  run: Run;
  plans: ActionPlan[];
  requirements: Requirements;
  restores?: Restore[];
  message?: { channel: string; ts: string };
  /** The Slack team the run was asked for in, when it came from Slack. */
  team?: string;
  /** The thread (in `run.channel`) its message is posted in, when it belongs in one. */
  threadTs?: string;
  ownerId?: string;
  heartbeatAt?: Date;
  interruptedFrom?: 'executing' | 'reverting';
  evidence?: { id: string; url: string };
  finishedAt?: Date;
  /** What its verification window found, once it ended (deploys and rollbacks). */
  verification?: VerificationSummary;
  /** Who it acts as on Kubernetes, where its environment impersonates (fixed at request). */
  kubeIdentity?: KubeIdentity;
  /** Where its after-steps hook stands (a verification window in progress), as last saved. */
  checkpoint?: unknown;
}

/** A `runs` row as both backends return it. */
export interface RunRow {
  id: string;
  verb: string;
  service: string;
  env: string;
  requester: string;
  reason: string | null;
  state: RunState;
  plan_hash: string;
  steps: Array<Record<string, unknown>>;
  plans: ActionPlan[];
  requirements: Requirements;
  restores: Restore[] | null;
  channel: string | null;
  message_ts: string | null;
  team_id?: string | null;
  thread_ts?: string | null;
  owner_id: string | null;
  owner_heartbeat_at: Date | null;
  interrupted_from: 'executing' | 'reverting' | null;
  revert_of: string | null;
  error: string | null;
  evidence_id: string | null;
  evidence_url: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  finished_at: Date | null;
  verification?: VerificationSummary | null;
  kube_identity?: KubeIdentity | null;
  checkpoint?: unknown;
}

const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);

/** A stored row as the domain sees it; Run.parse guards against a corrupted row. */
export function fromRow(row: RunRow): StoredRun {
  const steps = row.steps.map((s) => ({
    ...s,
    startedAt: date(s.startedAt),
    finishedAt: date(s.finishedAt),
  }));
  const run = Run.parse({
    id: row.id,
    verb: row.verb,
    target: { service: row.service, env: row.env },
    requester: row.requester,
    reason: row.reason ?? undefined,
    state: row.state,
    planHash: row.plan_hash,
    steps,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    threadTs: row.message_ts ?? undefined,
    channel: row.channel ?? undefined,
    revertOf: row.revert_of ?? undefined,
    error: row.error ?? undefined,
  });
  return {
    run,
    plans: row.plans,
    requirements: row.requirements,
    restores: row.restores ?? undefined,
    message:
      row.channel && row.message_ts ? { channel: row.channel, ts: row.message_ts } : undefined,
    team: row.team_id ?? undefined,
    threadTs: row.thread_ts ?? undefined,
    ownerId: row.owner_id ?? undefined,
    heartbeatAt: row.owner_heartbeat_at ?? undefined,
    interruptedFrom: row.interrupted_from ?? undefined,
    evidence:
      row.evidence_id && row.evidence_url
        ? { id: row.evidence_id, url: row.evidence_url }
        : undefined,
    finishedAt: row.finished_at ?? undefined,
    verification: row.verification ?? undefined,
    ...(row.kube_identity ? { kubeIdentity: row.kube_identity } : {}),
    ...(row.checkpoint != null ? { checkpoint: row.checkpoint } : {}),
  };
}
