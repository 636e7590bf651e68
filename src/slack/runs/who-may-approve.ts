import type { Catalog } from '../../config/schema.ts';
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
 * members when Slack answers in time (a failed lookup just names the group).
 */
export async function whoMayApprove(
  roles: readonly string[],
  catalog: Pick<Catalog, 'roles'>,
  groupMembers: (groupId: string) => Promise<string[]>,
): Promise<RoleHolders[]> {
  return Promise.all(
    roles.map(async (role) => {
      const def = Object.hasOwn(catalog.roles, role) ? catalog.roles[role] : undefined;
      const groups = await Promise.all(
        (def?.groups ?? []).map(async (id) => {
          const members = await membersWithin(groupMembers, id);
          return members === undefined ? { id } : { id, members };
        }),
      );
      return { role, users: [...(def?.users ?? [])], groups };
    }),
  );
}
