import { ACTIVE } from '../domain/runs/index.ts';
import type { Queryable } from '../store/db.ts';
import { authorizeDecision } from './authorize-decision.ts';
import { launchRun } from './background.ts';
import { buildView, loadView } from './build-view.ts';
import { runRequirements } from './check-requester.ts';
import { approveRun, cancelRun, confirmRun, rejectRun } from './decide-run.ts';
import type { EngineCore, RunEngineOptions } from './engine-core.ts';
import { expireStale, recoverInterrupted, takeOverInterrupted } from './recover-runs.ts';
import { requestRun } from './request-run.ts';
import { revertRun } from './revert-run.ts';
import { createRunObservers } from './run-observers.ts';
import { permits, playbookRule } from './run-policy.ts';
import { readApprovals, selectRuns } from './run-store.ts';
import type { RunEngine } from './types.ts';

export type { RunEngineOptions } from './engine-core.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The persisted run engine. Every state change is a conditional update in the store with its
 * ledger entry in the same transaction, so a run executes once however many clicks and bot
 * processes race for it; execution runs in the background (`idle()` waits for it).
 */
export function createRunEngine(options: RunEngineOptions): RunEngine {
  const revertWindowMs = options.revertWindowMs ?? DAY_MS;
  const progress = new Map<string, string>();
  async function view(runId: string, q: Queryable = options.db) {
    const line = progress.get(runId);
    const found = await loadView(q, runId, {
      now: options.clock(),
      revertWindowMs,
      ...(line === undefined ? {} : { progress: line }),
    });
    const pause = found?.run.state === 'executing' && options.afterSteps?.pausedFor?.(runId);
    if (found && pause) found.pause = pause;
    return found;
  }
  const observers = createRunObservers({
    view,
    progress,
    progressIntervalMs: options.progressIntervalMs ?? 2_000,
    log: options.log,
  });
  const core: EngineCore = {
    ...options,
    playbooks: options.playbooks ?? [],
    revertWindowMs,
    verifyTimeoutMs: options.verifyTimeoutMs,
    afterSteps: options.afterSteps,
    exclusiveStore: options.exclusiveStore ?? false,
    heartbeatMs: options.heartbeatMs ?? 5_000,
    staleAfterMs: options.staleAfterMs ?? 30_000,
    progressIntervalMs: options.progressIntervalMs ?? 2_000,
    progress,
    live: new Set(),
    notify: observers.notify,
    notifyProgress: observers.notifyProgress,
    note: observers.note,
    // Executing a run is the engine's own recursion: its steps tell `core` what changed.
    launch: (runId) => launchRun(core, observers, runId),
    view,
  };
  if (core.staleAfterMs <= core.heartbeatMs) {
    throw new Error('staleAfterMs must be longer than heartbeatMs, or live owners look dead');
  }

  return {
    subscribe: observers.subscribe,
    request: (request) => requestRun(core, request),
    async attachMessage(runId, message) {
      await options.db.query('UPDATE runs SET channel = $2, message_ts = $3 WHERE id = $1', [
        runId,
        message.channel,
        message.ts,
      ]);
    },
    confirm: (runId, actor, hash) => confirmRun(core, runId, actor, hash),
    approve: (runId, actor, hash, comment) => approveRun(core, runId, actor, hash, comment),
    reject: (runId, actor, reason) => rejectRun(core, runId, actor, reason),
    cancel: (runId, actor) => cancelRun(core, runId, actor),
    revert: (runId, actor) => revertRun(core, runId, actor),
    resume: (runId, actor) => takeOverInterrupted(core, runId, actor, 'resume'),
    get: (runId) => core.view(runId),
    requirements({ verb, target, actions, playbook }) {
      const spec = options.commands.get(verb);
      if (!spec) return undefined;
      return runRequirements(core, spec, target, {
        actions,
        tighten: playbookRule(core, playbook, target.env),
      });
    },
    permits: (input) => permits(core, input),
    authorize: (runId, actor, decision) => authorizeDecision(core, runId, actor, decision),
    async active() {
      const runs = await selectRuns(options.db, 'state = ANY($1::text[])', [[...ACTIVE]]);
      const now = options.clock();
      return Promise.all(
        runs.map(async (stored) =>
          buildView(stored, await readApprovals(options.db, stored.run.id), {
            now,
            revertWindowMs: core.revertWindowMs,
          }),
        ),
      );
    },
    recoverInterrupted: () => recoverInterrupted(core),
    expireStale: () => expireStale(core),
    idle: observers.idle,
  };
}
