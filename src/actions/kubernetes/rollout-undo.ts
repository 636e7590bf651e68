import { listReplicaSets, type OwnedReplicaSet } from '../../adapters/kubernetes/replica-sets.ts';
import type { PodTemplate, Workload } from '../../adapters/kubernetes/types.ts';
import { HASH_LABEL, patchWorkload, readWorkload } from '../../adapters/kubernetes/workload.ts';
import { LIST_REPLICASETS, workloadRules } from '../../domain/rbac/rules.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent } from '../intent.ts';
import { asJson, parseBefore } from '../parse-before.ts';
import { type ResolvedTarget, resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent } from '../types.ts';
import { pickRevision } from './pick-revision.ts';
import { describeImages, pods, sameTemplate, withoutHashLabel } from './pod-template.ts';
import { RolloutUndoAfter, RolloutUndoBefore, RolloutUndoParams } from './schema.ts';
import { undoAnnotations, undoPatch } from './undo-patch.ts';
import { waitForRollout } from './wait-for-rollout.ts';

interface Undo {
  t: ResolvedTarget;
  w: Workload;
  current: { revision: number | null; images: string };
  target: OwnedReplicaSet;
  template: PodTemplate;
  noop: boolean;
}

function refusePaused(label: string, w: Workload): void {
  if (!w.paused) return;
  const how =
    w.ref.kind === 'Deployment'
      ? `kubectl rollout resume deployment/${w.ref.name} -n ${w.ref.namespace}`
      : 'argo.resume';
  throw new ActionError('refused', `${label} is paused; resume it first (${how}), then roll back.`);
}

async function prepare(ctx: ActionContext, p: RolloutUndoParams): Promise<Undo> {
  const t = resolveTarget(ctx.catalog, p.service, p.env);
  const w = await readWorkload(ctx.kube, t.workload);
  refusePaused(t.label, w);
  const hash = HASH_LABEL[w.ref.kind];
  const sets = await listReplicaSets(ctx.kube, w);
  const live = sets.find((rs) => sameTemplate(rs.template, w.template, hash));
  const describe = (rs: OwnedReplicaSet) =>
    `${rs.revision} (${describeImages(rs.template, t.container)}${rs === live ? ', current' : ''})`;
  const target = pickRevision(sets, p.toRevision, t.label, describe);
  return {
    t,
    w,
    current: {
      revision: live?.revision ?? w.revision ?? null,
      images: describeImages(w.template, t.container),
    },
    target,
    template: withoutHashLabel(target.template, hash),
    noop: sameTemplate(target.template, w.template, hash),
  };
}

function diffLines(from: PodTemplate, to: PodTemplate): string[] {
  const lines: string[] = [];
  const images = (t: PodTemplate) => new Map(t.spec.containers.map((c) => [c.name, c.image ?? '']));
  const a = images(from);
  const b = images(to);
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(name) === b.get(name)) continue;
    if (a.has(name)) lines.push(`- ${name}: ${a.get(name)}`);
    if (b.has(name)) lines.push(`+ ${name}: ${b.get(name)}`);
  }
  const strip = (t: PodTemplate) => ({
    ...t,
    spec: { ...t.spec, containers: t.spec.containers.map((c) => ({ ...c, image: '' })) },
  });
  if (!sameTemplate(strip(from), strip(to), ''))
    lines.push('~ the pod template also differs beyond images (env, resources, labels...)');
  return lines;
}

/** What an undo puts in place: revision `revision`'s template and annotations, exactly. */
function intentOf(u: Undo) {
  const before = asJson({
    workload: u.w.ref,
    revision: u.current.revision,
    template: u.w.template,
    annotations: u.w.annotations,
  });
  const after = asJson({
    workload: u.w.ref,
    revision: u.target.revision,
    replicaSet: u.target.name,
    images: describeImages(u.template, u.t.container),
    template: u.template,
    annotations: u.target.annotations,
  });
  return { before, after };
}

/** The live workload and where its pod template stands between the planned two. */
async function observe(ctx: ActionContext, p: RolloutUndoParams, intent: Intent) {
  const before = parseBefore(RolloutUndoBefore, intent.before, 'k8s.rollout-undo');
  const after = parseBefore(RolloutUndoAfter, intent.after, 'k8s.rollout-undo');
  const w = await readWorkload(ctx.kube, before.workload);
  const hash = HASH_LABEL[w.ref.kind];
  const container = resolveTarget(ctx.catalog, p.service, p.env).container;
  const images = describeImages(w.template, container);
  const label = `${p.service}/${p.env}`;
  const from = `revision ${before.revision ?? '?'} (\`${describeImages(before.template as PodTemplate, container)}\`)`;
  const to = `revision ${after.revision} (\`${after.images}\`)`;
  const live = w.template;
  const state = sameTemplate(live, after.template as PodTemplate, hash)
    ? ('applied' as const)
    : sameTemplate(live, before.template as PodTemplate, hash)
      ? ('not_applied' as const)
      : ('drifted' as const);
  const detail =
    state === 'applied'
      ? `${label} runs the template of ${to}`
      : state === 'not_applied'
        ? `${label} still runs ${from} (planned → ${to})`
        : `${label} now runs revision ${w.revision ?? '?'} (\`${images}\`); the plan was ${from} → ${to}`;
  return { w, after, reconciled: { state, detail } };
}

/** `k8s.rollout-undo`: kubectl rollout undo for Deployments and Argo Rollouts, conflict-safe. */
export const rolloutUndo = defineAction<RolloutUndoParams>({
  name: 'k8s.rollout-undo',
  summary:
    'Roll a service back to the previous (or a given) revision, as kubectl rollout undo does',
  params: RolloutUndoParams,
  kube: {
    Deployment: [workloadRules.Deployment(['get', 'patch']), LIST_REPLICASETS],
    Rollout: [workloadRules.Rollout(['get', 'patch']), LIST_REPLICASETS],
  },
  reversible: true,

  async plan(ctx, p) {
    const u = await prepare(ctx, p);
    const intent = intentOf(u);
    const to = `revision ${u.target.revision} (\`${describeImages(u.target.template, u.t.container)}\`)`;
    if (u.noop) {
      return {
        summary: `${u.t.label} already runs ${to}; nothing to roll back`,
        diff: [],
        noop: true,
        intent,
      };
    }
    const from = `revision ${u.current.revision ?? '?'} (\`${u.current.images}\`)`;
    return {
      summary: `${u.t.label} rollback: ${from} → ${to}, ${pods(u.w.replicas)}`,
      diff: diffLines(u.w.template, u.template),
      affected: `${pods(u.w.replicas)}; ReplicaSet ${u.target.name} is reused`,
      ...(u.w.steps.length > 0
        ? {
            warnings: [
              `${u.t.label} is an Argo Rollout: mc promotes the restored release fully at once (a rollback skips the ${u.w.steps.length} canary steps; no Promote to click).`,
            ],
          }
        : {}),
      intent,
    };
  },

  async apply(ctx, p, intent) {
    const { w, after, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      refusePaused(`${p.service}/${p.env}`, w);
      // The template planned, not "the revision before the current one" picked again now.
      const annotations = undoAnnotations(w, after.annotations);
      const patch = undoPatch(w, after.template as PodTemplate, annotations);
      await patchWorkload(ctx.kube, w.ref, patch, 'application/json-patch+json');
      return undefined;
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p, _applied, options = {}) {
    const t = resolveTarget(ctx.catalog, p.service, p.env);
    // A rollback's canary is promoted fully by mc (verification-argo), never by a click.
    return waitForRollout(ctx, t.workload, options, 'mc');
  },

  async revert(ctx, p, raw) {
    const before = parseBefore(RolloutUndoBefore, raw, 'k8s.rollout-undo');
    const label = `${p.service}/${p.env}`;
    const w = await readWorkload(ctx.kube, before.workload);
    const template = before.template as PodTemplate;
    if (!sameTemplate(w.template, template, HASH_LABEL[w.ref.kind])) {
      refusePaused(label, w);
      const patch = undoPatch(w, template, undoAnnotations(w, before.annotations));
      await patchWorkload(ctx.kube, w.ref, patch, 'application/json-patch+json');
    }
    const result = await waitForRollout(ctx, before.workload);
    if (!result.ok)
      throw new ActionError(
        'unhealthy',
        `${label} restored to revision ${before.revision} but not healthy: ${result.detail}`,
      );
  },
});
