import { ACTIVE } from '../domain/runs/index.ts';
import { authorizeDecision } from './authorize-decision.ts';
import { type Background, createBackground } from './background.ts';
import { buildView, loadView } from './build-view.ts';
import { runRequirements } from './check-requester.ts';
import { approveRun, cancelRun, confirmRun, rejectRun } from './decide-run.ts';
import type { EngineCore, RunEngineOptions } from './engine-core.ts';
import { expireStale, recoverInterrupted, takeOverInterrupted } from './recover-runs.ts';
import { requestRun } from './request-run.ts';
import { revertRun } from './revert-run.ts';
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
  const { observer, ...rest } = options;
  let background: Background | undefined;
  const started = () => {
    if (!background) throw new Error('run engine used before it was built');
    return background;
  };
  const core: EngineCore = {
    ...rest,
    playbooks: options.playbooks ?? [],
    revertWindowMs: options.revertWindowMs ?? DAY_MS,
    verifyTimeoutMs: options.verifyTimeoutMs,
    afterSteps: options.afterSteps,
    exclusiveStore: options.exclusiveStore ?? false,
    heartbeatMs: options.heartbeatMs ?? 5_000,
    staleAfterMs: options.staleAfterMs ?? 30_000,
    progressIntervalMs: options.progressIntervalMs ?? 2_000,
    progress: new Map(),
    live: new Set(),
    notify: (runId) => started().notify(runId),
    notifyProgress: (runId, line) => started().notifyProgress(runId, line),
    launch: (runId) => started().launch(runId),
    view: async (runId, q = options.db) => {
      const progress = core.progress.get(runId);
      const view = await loadView(q, runId, {
        now: options.clock(),
        revertWindowMs: core.revertWindowMs,
        ...(progress === undefined ? {} : { progress }),
      });
      const pause = view?.run.state === 'executing' && options.afterSteps?.pausedFor?.(runId);
      if (view && pause) view.pause = pause;
      return view;
    },
  };
  if (core.staleAfterMs <= core.heartbeatMs) {
    throw new Error('staleAfterMs must be longer than heartbeatMs, or live owners look dead');
  }
  background = createBackground(core, observer);

  return {
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
    idle: () => started().idle(),
  };
}
