import type { ActionRegistry } from '../actions/registry.ts';
import { resolveTarget } from '../actions/resolve-target.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import { type CanaryProgress, describeCanary } from '../domain/deploys/canary-progress.ts';
import type { AfterStepsContext } from '../runs/after-steps-hook.ts';
import { applyHookAction } from '../runs/hook-action.ts';

export type CanaryDecision = 'promote' | 'abort';

/** The Argo actions a Promote / Abort click runs. */
export const CANARY_ACTIONS: Record<CanaryDecision, string> = {
  promote: 'argo.promote',
  abort: 'argo.abort',
};

export interface CanaryWatchOptions {
  actions: Pick<ActionRegistry, 'get'>;
  /** Between reads of the Rollout. */
  pollMs: number;
  /** How long a canary may take in all (pauses included) before the run stops watching. */
  timeoutMs: number;
  /** Posts a line in the run's thread: each step, analysis and pause as it changes. */
  announce?(line: string): void;
  /** Offers Promote / Abort with the canary's line; undefined withdraws them. */
  offer(line: string | undefined): void;
  /**
   * Promote fully at once, without offering buttons: a rollback returns to a release that ran
   * before, so its canary steps only delay the undo the requester (and approvers) asked for.
   */
  promoteFull?: boolean;
  /** The next Promote / Abort click, or undefined once `ms` passed without one. */
  nextDecision(ms: number): Promise<{ decision: CanaryDecision; by: string } | undefined>;
}

/** How a canary ended: promoted, aborted (by Argo, or by `by`), or still going at the deadline. */
export type CanaryOutcome =
  | { status: 'promoted'; line: string }
  | { status: 'aborted'; reason: string; by?: string }
  | { status: 'failed'; reason: string };

/**
 * Follows an Argo Rollout's canary after its image was set: posts each step, analysis and
 * pause as it changes, offers Promote / Abort (each runs the argo.* action and is recorded in
 * the ledger with who clicked), and ends when Argo promoted the canary to stable or aborted it.
 */
export async function watchCanary(
  ctx: AfterStepsContext,
  options: CanaryWatchOptions,
): Promise<CanaryOutcome> {
  const { service, env } = ctx.run.target;
  const target = resolveTarget(ctx.actionContext.catalog, service, env);
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  let abortedBy: string | undefined;
  let promotedFully = false;
  try {
    for (;;) {
      const progress: CanaryProgress = describeCanary(
        await readWorkload(ctx.actionContext.kube, target.workload),
      );
      if (progress.line !== last) {
        last = progress.line;
        ctx.progress(`Canary ${progress.line}`);
        options.announce?.(`Canary ${progress.line}`);
        await ctx.record('deploy.canary', { state: progress.state, line: progress.line });
      }
      if (progress.state === 'promoted') return { status: 'promoted', line: progress.line };
      if (progress.state === 'aborted') {
        const who = abortedBy ? `<@${abortedBy}> aborted the canary` : 'Argo aborted the canary';
        return {
          status: 'aborted',
          reason: `${who} (${progress.line})`,
          ...(abortedBy ? { by: abortedBy } : {}),
        };
      }
      if (Date.now() > deadline) {
        return { status: 'failed', reason: `The canary did not finish in time: ${progress.line}` };
      }
      if (options.promoteFull) {
        if (!promotedFully) {
          promotedFully = true;
          ctx.progress('Promoting fully: a rollback skips the canary steps');
          const done = await runAction(ctx, options, CANARY_ACTIONS.promote, deadline, {
            full: true,
          }).catch((error: unknown) => ({ ok: false, detail: String(error) }));
          await ctx.record('run.canary.promote-full', { ...done });
        }
        await ctx.actionContext.sleep(options.pollMs);
        continue;
      }
      options.offer(progress.line);
      const decided = await options.nextDecision(options.pollMs);
      if (!decided) continue;
      options.offer(undefined);
      const name = CANARY_ACTIONS[decided.decision];
      await ctx.record(`run.canary.${decided.decision}`, { action: name, at: last }, decided.by);
      ctx.progress(
        `<@${decided.by}> chose ${decided.decision === 'promote' ? 'Promote' : 'Abort'}`,
      );
      const verified = await runAction(ctx, options, name, deadline).catch((error: unknown) => ({
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
      }));
      await ctx.record(`run.canary.${decided.decision}.result`, { ...verified }, decided.by);
      if (!verified.ok) ctx.progress(`${name} did not complete: ${verified.detail}`);
      if (decided.decision === 'abort') abortedBy = decided.by;
    }
  } finally {
    options.offer(undefined);
  }
}

/** Plans, applies and verifies one argo.* action on the run's target, as the requester's context. */
async function runAction(
  ctx: AfterStepsContext,
  options: CanaryWatchOptions,
  name: string,
  deadline: number,
  extra: Record<string, unknown> = {},
): Promise<{ ok: boolean; detail: string }> {
  const { service, env } = ctx.run.target;
  return applyHookAction(
    options.actions,
    ctx.actionContext,
    name,
    { service, env, ...extra },
    {
      pollMs: options.pollMs,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
    },
  );
}
