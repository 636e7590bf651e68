import type { ActionRegistry } from '../actions/registry.ts';
import { resolveTarget } from '../actions/resolve-target.ts';
import type { ActionContext } from '../actions/types.ts';
import type { KubeIdentity } from '../domain/catalog/schema.ts';
import { describeIdentity } from '../domain/rbac/kube-identity.ts';

interface StepLike {
  action: string;
  params: unknown;
}

interface Attributes {
  context: string;
  namespace: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

/** `patch deployments.apps/checkout in namespace checkout`, as kubectl auth can-i reads. */
function describe(a: Attributes): string {
  const kind = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  return `${a.verb} ${kind}${a.name ? ` "${a.name}"` : ''} in namespace ${a.namespace}`;
}

/** Every permission the steps' actions declare for their targets, each once. */
function wanted(ctx: ActionContext, actions: ActionRegistry, steps: StepLike[]): Attributes[] {
  const found = new Map<string, Attributes>();
  for (const step of steps) {
    const action = actions.get(step.action);
    const p = (step.params ?? {}) as { service?: unknown; env?: unknown };
    if (!action.kube || typeof p.service !== 'string' || typeof p.env !== 'string') continue;
    const { workload } = resolveTarget(ctx.catalog, p.service, p.env);
    for (const rule of action.kube[workload.kind] ?? []) {
      const [resource = rule.resource, subresource] = rule.resource.split('/');
      for (const verb of rule.verbs) {
        const a: Attributes = {
          context: workload.context,
          namespace: workload.namespace,
          verb,
          group: rule.apiGroup,
          resource,
          ...(subresource ? { subresource } : {}),
          ...(rule.workload ? { name: workload.name } : {}),
        };
        found.set(`${a.context} ${describe(a)}`, a);
      }
    }
  }
  return [...found.values()];
}

/**
 * Asks the cluster (SelfSubjectAccessReview, sent as the impersonated person) whether the run
 * may make every call its actions declare; returns the refusal to show, or undefined. Run
 * before any change, so a person the cluster forbids changes nothing.
 */
export async function checkKubeAccess(
  ctx: ActionContext,
  actions: ActionRegistry,
  steps: StepLike[],
  identity: KubeIdentity,
): Promise<string | undefined> {
  const missing: string[] = [];
  const envs = steps.map((s) => (s.params as { env?: unknown } | undefined)?.env);
  const env = envs.find((e): e is string => typeof e === 'string') ?? '<env>';
  for (const a of wanted(ctx, actions, steps)) {
    const { context, ...attributes } = a;
    const review = await ctx.kube.forContext(context).authorization.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: attributes } },
    });
    if (!review.status?.allowed) missing.push(`${describe(a)} (context ${context})`);
  }
  if (missing.length === 0) return undefined;
  return [
    `Kubernetes does not let ${describeIdentity(identity)} ${missing.join('; ')}.`,
    'Nothing was changed.',
    `A cluster admin can grant it: \`mc rbac --env ${env} --for people\` prints the Roles mc’s actions need.`,
  ].join(' ');
}
