import { containerOf, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { workloadRules } from '../../domain/rbac/rules.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent } from '../types.ts';
import { setContainerImage } from './container-image.ts';
import { pods } from './pod-template.ts';
import { SetImageBefore, SetImageParams } from './schema.ts';
import { waitForRollout } from './wait-for-rollout.ts';

/** The live workload and where its image stands against the intent. */
async function observe(ctx: ActionContext, p: SetImageParams, intent: Intent) {
  const before = parseBefore(SetImageBefore, intent.before, 'k8s.set-image');
  const after = parseBefore(SetImageBefore, intent.after, 'k8s.set-image');
  const w = await readWorkload(ctx.kube, before.workload);
  const live = containerOf(w, before.container).container.image ?? '';
  const label = `${p.service}/${p.env} image`;
  const show = (image: string) => `\`${image || '(none)'}\``;
  return {
    w,
    before,
    reconciled: classify(label, live, { before: before.image, after: after.image }, show),
  };
}

/** `k8s.set-image`: runs another image in the catalog container of a Deployment or Rollout. */
export const setImage = defineAction<SetImageParams>({
  name: 'k8s.set-image',
  summary:
    'Set the container image of a service (Deployment or Argo Rollout) and wait for the rollout',
  params: SetImageParams,
  kube: {
    Deployment: [workloadRules.Deployment(['get', 'patch'])],
    Rollout: [workloadRules.Rollout(['get', 'patch'])],
  },
  reversible: true,

  async plan(ctx, p) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    const w = await readWorkload(ctx.kube, t.workload);
    const from = containerOf(w, t.container).container.image ?? '';
    const before = { workload: { ...w.ref }, container: t.container, image: from };
    const intent = { before, after: { ...before, image: p.image } };
    const affected = `${pods(w.replicas)} of ${w.ref.kind} ${w.ref.namespace}/${w.ref.name} (${w.ref.context})`;
    if (from === p.image) {
      return {
        summary: `${t.label} already runs \`${p.image}\`; nothing to change`,
        diff: [],
        affected,
        noop: true,
        intent,
      };
    }
    const warnings: string[] = [];
    if (w.paused)
      warnings.push(`${t.label} is paused: the new image will not roll out until it is resumed.`);
    if (w.steps.length > 0) {
      warnings.push(
        `${t.label} is an Argo Rollout with ${w.steps.length} canary steps; the thread follows them with Promote and Abort; a pause without a duration holds until Promote, a timed one continues on its own.`,
      );
    }
    const shown = from || '(none)';
    return {
      summary: `${t.label} image \`${shown}\` → \`${p.image}\`, ${pods(w.replicas)}`,
      diff: [`- ${t.container}: ${shown}`, `+ ${t.container}: ${p.image}`],
      affected,
      ...(warnings.length ? { warnings } : {}),
      intent,
    };
  },

  async apply(ctx, p, intent) {
    const { w, before, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const updated = await setContainerImage(ctx, w, before.container, p.image);
      return { ...before, image: p.image, generation: updated.generation };
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, _applied, options = {}) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    const result = await waitForRollout(ctx, t.workload, options);
    const w = await readWorkload(ctx.kube, t.workload);
    const now = containerOf(w, t.container).container.image;
    if (now !== p.image) {
      return {
        ok: false,
        detail: `${t.label} now runs \`${now}\`, not \`${p.image}\`: someone changed it meanwhile`,
      };
    }
    return result;
  },

  async revert(ctx, p, raw) {
    const before = parseBefore(SetImageBefore, raw, 'k8s.set-image');
    const label = `${p.service}/${p.env}`;
    const w = await readWorkload(ctx.kube, before.workload);
    const now = containerOf(w, before.container).container.image;
    if (now !== before.image) {
      if (now !== p.image) {
        throw new ActionError(
          'changed',
          `${label} now runs \`${now}\`, not \`${p.image}\` as mc set it; not reverting over that change.`,
        );
      }
      await setContainerImage(ctx, w, before.container, before.image);
    }
    const result = await waitForRollout(ctx, before.workload);
    if (!result.ok)
      throw new ActionError(
        'unhealthy',
        `${label} back on \`${before.image}\` but not healthy: ${result.detail}`,
      );
  },
});
