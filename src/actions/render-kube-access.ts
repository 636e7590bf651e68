import type { DeclaredAccess, KubeRule } from '../domain/rbac/types.ts';
import { BUILTIN_ACTIONS } from './builtin-actions.ts';
import { declaredAccess } from './declared-access.ts';
import { table } from './render-action-catalog.ts';

/** `patch rollouts.argoproj.io/status (the catalog workload)`, as kubectl names resources. */
function rule(r: KubeRule): string {
  const [resource, subresource] = r.resource.split('/');
  const name = `${resource}${r.apiGroup ? `.${r.apiGroup}` : ''}${subresource ? `/${subresource}` : ''}`;
  return `${r.verbs.join(', ')} \`${name}\`${r.workload ? ' (the catalog workload)' : ''}`;
}

/**
 * The Kubernetes access each action declares, as a Markdown table for src/actions/README.md
 * (a test keeps them in step): what `mc rbac` grants, per kind of workload.
 */
export function renderKubeAccessMarkdown(
  actions: readonly DeclaredAccess[] = declaredAccess(BUILTIN_ACTIONS),
): string {
  const rows = [...actions]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((a) =>
      Object.entries(a.kube).map(([kind, rules]) => [
        `\`${a.name}\``,
        kind,
        rules.map(rule).join('<br>'),
      ]),
    );
  return table(['Action', 'Workload', 'Kubernetes access'], rows);
}
