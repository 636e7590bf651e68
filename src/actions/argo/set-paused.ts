import type { WorkloadRef } from '../../adapters/kubernetes/types.ts';
import { patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { pollUntil } from '../poll-until.ts';
import type { Action, ActionContext, Intent, VerifyOptions } from '../types.ts';
import { readRollout } from './read-rollout.ts';
import { PausedBefore, RolloutParams } from './schema.ts';

const MERGE = 'application/merge-patch+json';

/** Polls until spec.paused is observed: phase Paused with "manually paused", or not any more. */
function waitPaused(
  ctx: ActionContext,
  ref: WorkloadRef,
  label: string,
  paused: boolean,
  options: VerifyOptions,
) {
  return pollUntil(ctx, options, 60_000, async () => {
    const w = await readWorkload(ctx.kube, ref);
    const s = w.status;
    const observed = Number(s.observedGeneration ?? 0) >= w.generation;
    const manual = s.phase === 'Paused' && s.message === 'manually paused';
    const done = observed && w.paused === paused && manual === paused;
    return {
      done,
      ok: done,
      detail: `${label} is ${s.phase ?? 'Progressing'}${s.message ? ` (${s.message})` : ''}`,
    };
  });
}

/** The live Rollout and where spec.paused stands between the planned two. */
async function observe(ctx: ActionContext, p: RolloutParams, intent: Intent) {
  const before = parseBefore(PausedBefore, intent.before, 'argo.pause');
  const after = parseBefore(PausedBefore, intent.after, 'argo.pause');
  const w = await readWorkload(ctx.kube, before.workload);
  const planned = { before: before.paused, after: after.paused };
  const what = `${p.service}/${p.env} spec.paused`;
  return { w, reconciled: classify(what, w.paused, planned, String) };
}

/** argo.pause and argo.resume: set spec.paused, each the other's revert. */
export function definePausedAction(paused: boolean): Action<RolloutParams> {
  const name = paused ? 'argo.pause' : 'argo.resume';
  return defineAction<RolloutParams>({
    name,
    summary: paused
      ? 'Pause an Argo Rollout where it is (spec.paused): ReplicaSets stay as they are'
      : 'Resume a manually paused Argo Rollout (spec.paused: false)',
    params: RolloutParams,
    kube: { Rollout: [workloadRules.Rollout(['get', 'patch'])] },
    reversible: true,

    async plan(ctx, p) {
      const { t, w } = await readRollout(ctx, p, name);
      const before = { workload: { ...w.ref }, paused: w.paused };
      const intent = { before, after: { ...before, paused } };
      if (w.paused === paused) {
        const hint =
          !paused && w.status.phase === 'Paused'
            ? ' It waits at a canary pause step: use argo.promote.'
            : '';
        return {
          summary: `${t.label} is already ${paused ? 'paused' : 'not paused'}; nothing to change.${hint}`,
          diff: [],
          noop: true,
          intent,
        };
      }
      return {
        summary: `${t.label} ${paused ? 'pause' : 'resume'} the rollout (${w.status.phase ?? 'unknown'} now)`,
        diff: [`- spec.paused: ${!paused}`, `+ spec.paused: ${paused}`],
        intent,
      };
    },

    async apply(ctx, p, intent) {
      const { w, reconciled } = await observe(ctx, p, intent);
      return applyIntent(reconciled, intent, async () => {
        await patchWorkload(ctx.kube, w.ref, { spec: { paused } }, MERGE);
        return undefined;
      });
    },

    async reconcile(ctx, p, intent) {
      return (await observe(ctx, p, intent)).reconciled;
    },

    async verify(ctx, p, _applied, options = {}) {
      const { t } = await readRollout(ctx, p, name);
      return waitPaused(ctx, t.workload, t.label, paused, options);
    },

    async revert(ctx, p, raw) {
      const before = parseBefore(PausedBefore, raw, name);
      const label = `${p.service}/${p.env}`;
      const w = await readWorkload(ctx.kube, before.workload);
      if (w.paused !== before.paused) {
        await patchWorkload(ctx.kube, w.ref, { spec: { paused: before.paused } }, MERGE);
      }
      const result = await waitPaused(ctx, w.ref, label, before.paused, {});
      if (!result.ok)
        throw new ActionError(
          'unhealthy',
          `${label}: spec.paused restored to ${before.paused} but ${result.detail}`,
        );
    },
  });
}
