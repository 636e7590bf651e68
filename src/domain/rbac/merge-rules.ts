import type { CatalogNamespace } from './namespaces.ts';
import type { KubeAccess, KubeRule } from './types.ts';

/** An RBAC PolicyRule as the API takes it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'impersonate'];

/**
 * The union of what `accesses` need in one namespace, one PolicyRule per resource: only the
 * kinds of workload mapped there count, and workload rules name the catalog's workloads.
 */
export function mergeRules(accesses: readonly KubeAccess[], ns: CatalogNamespace): PolicyRule[] {
  const merged = new Map<string, { rule: KubeRule; names?: string[]; verbs: Set<string> }>();
  for (const access of accesses) {
    for (const [kind, names] of ns.workloads) {
      for (const rule of access[kind] ?? []) {
        const key = `${rule.apiGroup}/${rule.resource}/${rule.workload ? kind : ''}`;
        const entry = merged.get(key) ?? {
          rule,
          ...(rule.workload ? { names } : {}),
          verbs: new Set<string>(),
        };
        for (const verb of rule.verbs) entry.verbs.add(verb);
        merged.set(key, entry);
      }
    }
  }
  return [...merged.values()]
    .sort(
      (a, b) =>
        a.rule.apiGroup.localeCompare(b.rule.apiGroup) ||
        a.rule.resource.localeCompare(b.rule.resource),
    )
    .map(({ rule, names, verbs }) => ({
      apiGroups: [rule.apiGroup],
      resources: [rule.resource],
      ...(names ? { resourceNames: [...names] } : {}),
      verbs: [...verbs].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b)),
    }));
}
