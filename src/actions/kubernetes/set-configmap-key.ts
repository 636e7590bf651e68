import { patchConfigMapData, readConfigMap } from '../../adapters/kubernetes/config-maps.ts';
import type { KubeRule } from '../../domain/rbac/types.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { resolveTarget } from '../resolve-target.ts';
import type { ActionContext, Intent } from '../types.ts';
import { SetConfigMapKeyBefore, SetConfigMapKeyParams } from './schema.ts';

function show(value: string | undefined | null): string {
  if (value === undefined || value === null) return '(absent)';
  return `\`${value.length > 80 ? `${value.slice(0, 77)}...` : value}\``;
}

async function locate(ctx: ActionContext, p: SetConfigMapKeyParams) {
  const t = resolveTarget(ctx.catalog, p.service, p.env);
  const where = { context: t.workload.context, namespace: t.workload.namespace, name: p.configMap };
  const cm = await readConfigMap(ctx.kube, where.context, where.namespace, p.configMap);
  return { t, where, cm, current: Object.hasOwn(cm.data, p.key) ? cm.data[p.key] : undefined };
}

/** The live ConfigMap and where the key stands between the planned two values. */
async function observe(ctx: ActionContext, p: SetConfigMapKeyParams, intent: Intent) {
  const before = parseBefore(SetConfigMapKeyBefore, intent.before, 'k8s.set-configmap-key');
  const after = parseBefore(SetConfigMapKeyBefore, intent.after, 'k8s.set-configmap-key');
  const where = { context: before.context, namespace: before.namespace, name: before.configMap };
  const cm = await readConfigMap(ctx.kube, where.context, where.namespace, where.name);
  const live = Object.hasOwn(cm.data, before.key) ? (cm.data[before.key] ?? null) : null;
  const what = `${p.service}/${p.env} ConfigMap \`${before.configMap}\` key \`${before.key}\``;
  const planned = { before: before.value, after: after.value };
  return { where, cm, reconciled: classify(what, live, planned, show) };
}

/** The ConfigMap is a parameter, not a catalog name: any ConfigMap of the service namespace. */
const CONFIG_MAPS: KubeRule = { apiGroup: '', resource: 'configmaps', verbs: ['get', 'patch'] };

/** `k8s.set-configmap-key`: flips a flag, kill switch or limit held in a ConfigMap key. */
export const setConfigMapKey = defineAction<SetConfigMapKeyParams>({
  name: 'k8s.set-configmap-key',
  summary: 'Set one key of a ConfigMap in the service namespace (feature flag, kill switch, limit)',
  params: SetConfigMapKeyParams,
  kube: { Deployment: [CONFIG_MAPS], Rollout: [CONFIG_MAPS] },
  reversible: true,

  async plan(ctx, p) {
    const { t, where, current } = await locate(ctx, p);
    const before = {
      context: where.context,
      namespace: where.namespace,
      configMap: p.configMap,
      key: p.key,
      value: current ?? null,
    };
    const intent = { before, after: { ...before, value: p.value } };
    const what = `${t.label} ConfigMap \`${p.configMap}\` key \`${p.key}\``;
    if (current === p.value)
      return {
        summary: `${what} is already ${show(p.value)}; nothing to change`,
        diff: [],
        noop: true,
        intent,
      };
    return {
      summary: `${what}: ${show(current)} → ${show(p.value)}`,
      diff: [
        ...(current === undefined ? [] : [`- ${p.key}: ${current}`]),
        `+ ${p.key}: ${p.value}`,
      ],
      warnings: [
        'Pods see the new value only if they re-read the ConfigMap (a mounted file updates within a minute; environment variables need a restart).',
      ],
      intent,
    };
  },

  async apply(ctx, p, intent) {
    const { where, cm, reconciled } = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      // Conditional on the version read: a concurrent edit answers 409 instead of being lost.
      await patchConfigMapData(ctx.kube, where, { [p.key]: p.value }, cm.resourceVersion);
      return undefined;
    });
  },

  async reconcile(ctx, p, intent) {
    return (await observe(ctx, p, intent)).reconciled;
  },

  async verify(ctx, p) {
    // The API server applies a ConfigMap write at once: one read says whether it held.
    const { current } = await locate(ctx, p);
    const detail = `${p.configMap}/${p.key} is ${show(current)}`;
    return current === p.value
      ? { ok: true, detail }
      : { ok: false, detail: `${detail}, not ${show(p.value)}: changed meanwhile` };
  },

  async revert(ctx, p, raw) {
    const before = parseBefore(SetConfigMapKeyBefore, raw, 'k8s.set-configmap-key');
    const where = { context: before.context, namespace: before.namespace, name: before.configMap };
    const cm = await readConfigMap(ctx.kube, where.context, where.namespace, where.name);
    const now = Object.hasOwn(cm.data, before.key) ? cm.data[before.key] : undefined;
    if ((now ?? null) === before.value) return;
    if (now !== p.value) {
      throw new ActionError(
        'changed',
        `${before.configMap}/${before.key} is now ${show(now)}, not ${show(p.value)} as mc set it; not reverting over that change.`,
      );
    }
    await patchConfigMapData(ctx.kube, where, { [before.key]: before.value }, cm.resourceVersion);
  },
});
