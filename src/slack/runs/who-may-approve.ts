import type { Catalog } from '../../config/schema.ts';
import type { RunView } from '../../runs/types.ts';
import type { RoleHolders } from '../render/run-refusal.ts';

/** How long listing a group's members may hold up a refusal; past it the group is named alone. */
const LOOKUP_MS = 1_500;

async function membersWithin(
  lookup: (groupId: string) => Promise<string[]>,
  groupId: string,
): Promise<string[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), LOOKUP_MS);
    timer.unref();
  });
  try {
    return await Promise.race([lookup(groupId).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Who holds each role that may approve: the catalog's users, and its user groups with their
 * members when Slack answers in time (a failed lookup just names the group). `exclude` (the
 * requester, where self-approval is off) is left out: they cannot approve.
 */
export async function whoMayApprove(
  roles: readonly string[],
  catalog: Pick<Catalog, 'roles'>,
  groupMembers: (groupId: string) => Promise<string[]>,
  exclude?: string,
): Promise<RoleHolders[]> {
  return Promise.all(
    roles.map(async (role) => {
      const def = Object.hasOwn(catalog.roles, role) ? catalog.roles[role] : undefined;
      const groups = await Promise.all(
        (def?.groups ?? []).map(async (id) => {
          const members = await membersWithin(groupMembers, id);
          return members === undefined
            ? { id }
            : { id, members: members.filter((m) => m !== exclude) };
        }),
      );
      return { role, users: (def?.users ?? []).filter((u) => u !== exclude), groups };
    }),
  );
}

/**
 * The people and user groups a waiting run's card names as its possible approvers: holders
 * of its approver roles from the catalog, without the requester where they may not approve.
 */
export function approversFor(
  view: Pick<RunView, 'run' | 'requirements'>,
  roles: Catalog['roles'],
): { users: string[]; groups: string[] } {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const role of view.requirements.approvals.roles) {
    const def = Object.hasOwn(roles, role) ? roles[role] : undefined;
    for (const user of def?.users ?? []) users.add(user);
    for (const group of def?.groups ?? []) groups.add(group);
  }
  if (!view.requirements.selfApproval) users.delete(view.run.requester);
  return { users: [...users], groups: [...groups] };
}
