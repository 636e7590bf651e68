import type { DeclaredAccess } from '../domain/rbac/types.ts';
import type { Action } from './types.ts';

/** The Kubernetes access each action declares (`kube:`), for the actions that make such calls. */
export function declaredAccess(actions: readonly Action[]): DeclaredAccess[] {
  return actions.flatMap((a) => (a.kube ? [{ name: a.name, kube: a.kube }] : []));
}
