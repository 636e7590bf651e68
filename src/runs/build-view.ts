import { type Approval, tally } from '../domain/policy/index.ts';
import type { Queryable } from '../store/db.ts';
import { readApprovals, readRun, type StoredRun } from './run-store.ts';
import type { RunView } from './types.ts';

/** When a run stopped waiting for a Revert click: success (or failure) plus the window. */
export function revertUntil(stored: StoredRun, windowMs: number): Date | undefined {
  const { state } = stored.run;
  if ((state !== 'succeeded' && state !== 'failed') || !stored.finishedAt) return undefined;
  if (stored.restores) return undefined;
  return new Date(stored.finishedAt.getTime() + windowMs);
}

/** The view callers render: the run, its approvals and tally, and who must click next. */
export function buildView(
  stored: StoredRun,
  approvals: Approval[],
  options: { now: Date; revertWindowMs: number; progress?: string },
): RunView {
  const { run, requirements } = stored;
  const view: RunView = {
    run,
    approvals,
    requirements,
    tally: tally({ requirements, approvals, planHash: run.planHash, now: options.now }),
    plans: stored.plans,
  };
  if (stored.message) view.message = stored.message;
  if (stored.team) view.team = stored.team;
  if (stored.threadTs && run.channel) view.thread = { channel: run.channel, ts: stored.threadTs };
  const until = revertUntil(stored, options.revertWindowMs);
  if (until) view.revertUntil = until;
  if (stored.evidence) view.evidenceUrl = stored.evidence.url;
  if (stored.verification) view.verification = stored.verification;
  if (options.progress && (run.state === 'executing' || run.state === 'reverting')) {
    view.progress = options.progress;
  }
  if (run.state === 'planned' && requirements.approvals.count === 0) view.waitingFor = 'confirm';
  if (run.state === 'awaiting_approval') view.waitingFor = 'approval';
  if (run.state === 'interrupted' && stored.interruptedFrom) {
    view.interruptedFrom = stored.interruptedFrom;
  }
  if ((run.state === 'executing' || run.state === 'reverting') && stored.ownerId) {
    view.owner = stored.ownerId;
  }
  return view;
}

/** Reads a run and its approvals and builds its view. */
export async function loadView(
  q: Queryable,
  runId: string,
  options: { now: Date; revertWindowMs: number; progress?: string },
): Promise<RunView | undefined> {
  const stored = await readRun(q, runId);
  if (!stored) return undefined;
  return buildView(stored, await readApprovals(q, runId), options);
}
