import type { ActionRegistry } from '../actions/registry.ts';
import type { Run } from '../domain/runs/index.ts';
import type { AfterStepsContext } from '../runs/after-steps-hook.ts';
import type { Actor, RunPause } from '../runs/types.ts';
import { type CanaryDecision, type CanaryOutcome, watchCanary } from './verification-argo.ts';

/** A canary offering Promote / Abort: clicks queue until the watch loop takes them. */
interface CanaryWaiting extends RunPause {
  kind: 'canary';
  run: Run;
  /** The engine's policy check on this run (the effective policy stored on it). */
  mayDecide: AfterStepsContext['mayDecide'];
  take(decision: { decision: CanaryDecision; by: string }): void;
}

/** What the canary part of the verification window needs. */
export interface CanaryOptions {
  /** The argo.promote / argo.abort actions a canary's buttons run. Absent: no buttons. */
  actions?: Pick<ActionRegistry, 'get'>;
  /** Between reads of an Argo Rollout's canary. Default 2 s. */
  canaryPollMs?: number;
  /** How long a canary may take, pauses included. Default 6 h. */
  canaryTimeoutMs?: number;
}

/**
 * The canaries this process follows (Argo Rollouts after a deploy or rollback) and the
 * Promote / Abort clicks on them, policy-checked by the engine (`ctx.mayDecide`). Held in memory: after a
 * restart the run resumes reading the Rollout, which keeps its own state.
 */
export function createCanaries(options: CanaryOptions) {
  const canaries = new Map<string, CanaryWaiting>();

  async function decide(
    runId: string,
    actor: Actor,
    decision: CanaryDecision,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    const found = canaries.get(runId);
    if (!found)
      return { ok: false, message: `Run ${runId} has no canary waiting for Promote or Abort.` };
    const refusal = await found.mayDecide(actor.id, decision);
    if (refusal) return { ok: false, message: refusal };
    found.take({ decision, by: actor.id });
    return { ok: true };
  }

  /** Follows the canary with Promote / Abort offered while it runs (when actions are given). */
  function follow(ctx: AfterStepsContext, promoteFull: boolean): Promise<CanaryOutcome> {
    const runId = ctx.run.id;
    let queued: { decision: CanaryDecision; by: string } | undefined;
    let wake: (() => void) | undefined;
    const actions = options.actions;
    return watchCanary(ctx, {
      actions: actions ?? {
        get: () => {
          throw new Error('no actions to promote or abort with');
        },
      },
      pollMs: options.canaryPollMs ?? 2_000,
      timeoutMs: options.canaryTimeoutMs ?? 6 * 3_600_000,
      promoteFull,
      announce: (line: string) => ctx.note(line),
      offer(line) {
        const had = canaries.get(runId);
        if (!line || !actions) {
          canaries.delete(runId);
          if (had) ctx.changed();
          return;
        }
        const take = (d: { decision: CanaryDecision; by: string }) => {
          queued = d;
          wake?.();
        };
        canaries.set(runId, {
          reason: line,
          decider: ctx.run.requester,
          kind: 'canary',
          run: ctx.run,
          mayDecide: ctx.mayDecide,
          take,
        });
        if (had?.reason !== line) ctx.changed();
      },
      nextDecision(ms) {
        if (queued) {
          const d = queued;
          queued = undefined;
          return Promise.resolve(d);
        }
        return new Promise((resolve) => {
          const timer = setTimeout(() => {
            wake = undefined;
            resolve(undefined);
          }, ms);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            const d = queued;
            queued = undefined;
            resolve(d);
          };
        });
      },
    });
  }

  return {
    decide,
    follow,
    pausedFor(runId: string): RunPause | undefined {
      const found = canaries.get(runId);
      return found ? { reason: found.reason, decider: found.decider, kind: 'canary' } : undefined;
    },
  };
}
