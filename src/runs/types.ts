import type { ActionPlan } from '../actions/types.ts';
import type { Approval, PolicyRule, Requirements, Tally } from '../domain/policy/index.ts';
import type { Run, RunTarget } from '../domain/runs/index.ts';
import type { VerificationSummary } from './verification-summary.ts';

/**
 * The contract between the run engine and its callers (Slack, playbooks, drills, the CLI).
 *
 * Where a run waits for a person (see `RunView.waitingFor`):
 * - `planned`: the plan is shown and needs no approval (`requirements.approvals.count` is 0);
 *   it waits for the requester's Confirm. Confirm moves it `approved` → `executing` at once.
 * - `awaiting_approval`: it waits for approvers (Approve/Reject; the requester may Cancel).
 *   The approval that satisfies the tally moves it `approved` → `executing` in the same
 *   transaction, so `approved` is never a resting state.
 * - `interrupted`: its owner process died mid-way; Resume or Revert.
 */

/** A person acting through Slack (or the CLI): their id is what policy checks. */
export interface Actor {
  id: string;
  name?: string;
  /**
   * Where a person's click or command came from (Slack team and channel). A click on a run
   * from another team or channel than the run's is refused; internal callers leave it out.
   */
  origin?: { team?: string; channel?: string };
}

/** One step as a caller asks for it; the engine plans it against the live state. */
export interface StepRequest {
  action: string;
  params: Record<string, unknown>;
}

export interface RunRequest {
  verb: string;
  target: RunTarget;
  requester: Actor;
  reason?: string;
  steps: StepRequest[];
  /** Where the plan message goes (channel id); the Slack layer posts it. */
  channel?: string;
  /** The thread in `channel` the plan message goes in (ts of its root). */
  threadTs?: string;
  /** The run this one undoes. Informational: revert() builds real revert runs (see below). */
  revertOf?: string;
  /**
   * Stricter rules than the verb's policy and the environment's baseline (a freeze
   * override's approver roles). They can only tighten: the engine takes the strictest.
   */
  tighten?: { rule: PolicyRule; source: string }[];
  /** The triage playbook the run comes from: its `approval` override tightens the policy. */
  playbook?: string;
  /**
   * The run whose approval covers this one: a drill's restore, which puts back exactly what
   * that run changed. The engine checks the steps are that restore; then no new approval.
   */
  coveredBy?: string;
  /** The command as the person typed it (`/mc deploy payments 1.4.2 --env prod`): refusals quote it. */
  typed?: string;
}

/** A run with what people need to see beside it: approvals, their tally, the policy. */
export interface RunView {
  run: Run;
  approvals: Approval[];
  requirements: Requirements;
  tally: Tally;
  /** Where the plan message lives once posted (chat.update target). */
  message?: { channel: string; ts: string };
  /** The Slack team the run was asked for in (clicks from another team are refused). */
  team?: string;
  /** The thread its message is posted in (a triage Run's card: the incident's thread). */
  thread?: { channel: string; ts: string };
  /** Until when a Revert button may be offered (succeeded runs). */
  revertUntil?: Date;
  /** Evidence of the run's terminal state, when recorded. */
  evidenceUrl?: string;
  /** What its verification window found, once it ended. */
  verification?: VerificationSummary;
  /** Latest progress line from verify() ("3 of 6 pods updated"). */
  progress?: string;
  /** Who must click next: the requester (Confirm) or approvers (Approve); absent otherwise. */
  waitingFor?: 'confirm' | 'approval';
  /** Each step's plan as shown when the run was requested: summary, diff lines, warnings. */
  plans?: ActionPlan[];
  /** Interrupted runs: what the run was doing when its owner died (Resume continues that). */
  interruptedFrom?: 'executing' | 'reverting';
  /** The process executing the run (`ownerId` of its engine), while it executes. */
  owner?: string;
  /** Its steps succeeded and it waits for a person's decision (verification inconclusive). */
  pause?: RunPause;
}

/** Decisions on a run in flight that are not state transitions of the engine's own. */
export type RunDecision = 'promote' | 'abort' | 'continue' | 'rollback';

/** What a click or command got: refusals are data with a message for the clicker. */
export type EngineOutcome =
  | { ok: true; view: RunView; message?: string }
  | { ok: false; code: EngineRefusal; message: string; view?: RunView };

export type EngineRefusal =
  | 'not_found'
  | 'not_allowed'
  | 'reason_required'
  | 'target_locked'
  | 'invalid_params'
  | 'plan_failed'
  | 'not_an_approver'
  | 'self_approval'
  | 'already_approved'
  | 'plan_changed'
  | 'expired'
  | 'wrong_state'
  | 'not_requester'
  | 'wrong_place'
  | 'not_reversible'
  | 'revert_window_closed';

/**
 * Told after every persisted change (request included, before a message is attached: then
 * `view.message` is absent), so the Slack layer can update ONE message. Calls for one run
 * come in order, one at a time; verify() progress at most once per 2 s per run. A throwing
 * observer is logged and never stops a run. Observers subscribe once the engine is built.
 */
export interface RunObserver {
  changed(view: RunView): Promise<void>;
  /** A line about a run as it executes (a canary step as it is reached), for its thread. */
  note?(runId: string, line: string): void;
}

/** The run engine: every method re-reads the run from the store and checks before acting. */
export interface RunEngine {
  /**
   * Adds an observer of every run's changes, told after those already subscribed; returns
   * how to remove it. Changes before subscribing are not replayed.
   */
  subscribe(observer: RunObserver): () => void;
  /**
   * Checks policy and the target lock, plans every step from live state, persists the run.
   * A plan where every step would change nothing is refused as `plan_failed`.
   */
  request(request: RunRequest): Promise<EngineOutcome>;
  /** Records where the plan message was posted. */
  attachMessage(runId: string, message: { channel: string; ts: string }): Promise<void>;
  /** Requester confirms a run that needs no approvals: it executes. */
  confirm(runId: string, actor: Actor, planHash: string): Promise<EngineOutcome>;
  /** An approver approves; the run executes when the tally is satisfied. */
  approve(runId: string, actor: Actor, planHash: string, comment?: string): Promise<EngineOutcome>;
  reject(runId: string, actor: Actor, reason?: string): Promise<EngineOutcome>;
  /** The requester withdraws a run that has not started. */
  cancel(runId: string, actor: Actor): Promise<EngineOutcome>;
  /**
   * Succeeded (or failed) run, within the revert window: creates a NEW run (`revertOf` set,
   * same verb and target, same policy: approvals again where needed) whose step k calls the
   * original action's revert() with the original step's `before`, last step first; its plan
   * hash binds the restored states too. Steps that cannot be undone are named (and refused as
   * `not_reversible` when nothing else is left). Interrupted run: reverted in place (the
   * steps that ran are undone), no new run.
   */
  revert(runId: string, actor: Actor): Promise<EngineOutcome>;
  /**
   * Continues an interrupted run from its first unfinished step (a step whose `before` was
   * stored is verified, not applied again; a step cut off before that is reconciled with the
   * live state: verified if applied, applied if not, failed if someone else changed it); a run
   * interrupted while reverting goes on reverting. Its requester, or anyone the verb's policy
   * lets request it, may resume.
   */
  resume(runId: string, actor: Actor): Promise<EngineOutcome>;
  get(runId: string): Promise<RunView | undefined>;
  /**
   * What a run of `verb` on `target` with these actions would need (the effective policy):
   * for dry runs and for labelling buttons (Run or Request approval) before a run exists.
   */
  requirements(input: {
    verb: string;
    target: RunTarget;
    actions: readonly string[];
    playbook?: string;
  }): Requirements | undefined;
  /**
   * Whether `actor` may take a decision about a target or run that is not itself a run
   * transition (dismiss a triage suggestion, which acknowledges the page): someone the
   * effective policy lets request `verb` there, holding at least one catalog role.
   */
  permits(input: {
    verb: string;
    target: RunTarget;
    actor: Actor;
    actions?: readonly string[];
  }): Promise<{ ok: true } | { ok: false; message: string }>;
  /**
   * Whether `actor` may take a decision on a running run: `promote` (widens the change: what
   * approving it needs), `abort` and `rollback` (narrow it: its requester or an approver),
   * `continue` (its requester, or an approver). Decided from the policy stored on the run.
   */
  authorize(
    runId: string,
    actor: Actor,
    decision: RunDecision,
  ): Promise<{ ok: true; view: RunView } | { ok: false; message: string }>;
  /** Active runs (holding a target lock), newest first. */
  active(): Promise<RunView[]>;
  /**
   * On start-up (and periodically): runs left executing/reverting by a dead owner become
   * interrupted: another owner whose heartbeat is stale (any other owner at once with
   * `exclusiveStore`), or this engine's ownerId when this engine is not running them (an
   * earlier incarnation of this process).
   */
  recoverInterrupted(): Promise<RunView[]>;
  /** Marks runs whose approval window passed as expired. */
  expireStale(): Promise<RunView[]>;
  /** Waits for executions this process started (tests, shutdown). */
  idle(): Promise<void>;
}

/** A pause a person must end (Continue / Roll back), as the run's view shows it. */
export interface RunPause {
  reason: string;
  /** Who decides: the run's requester. */
  decider: string;
  /** `canary`: an Argo canary offering Promote / Abort; default: Continue / Roll back. */
  kind?: 'verification' | 'canary';
}
