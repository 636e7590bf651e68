import type { Catalog } from '../catalog/schema.ts';
import { orList } from './format.ts';

/** Which catalog roles a Slack user holds. */
export interface RoleDirectory {
  /**
   * The user's roles, from the catalog's `users` lists and its user groups. Throws
   * RoleLookupError when a failed group lookup leaves a role undecided.
   */
  rolesOf(userId: string): Promise<Set<string>>;
}

/**
 * A group lookup failed, so some roles could be neither granted nor denied. Nothing is
 * granted from a failed lookup. `known` holds the roles that were confirmed anyway: a caller
 * that only needs one of those may go on; anyone else shows `message` and asks to retry.
 */
export class RoleLookupError extends Error {
  override readonly name = 'RoleLookupError';
  constructor(
    readonly known: Set<string>,
    readonly unresolved: string[],
    readonly groups: string[],
    override readonly cause: unknown,
  ) {
    super(
      `I could not check membership of Slack user group ${orList(groups)} ` +
        `(role ${orList(unresolved)}): ${describe(cause)}. Nothing was granted; try again in a minute.`,
    );
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

interface CachedGroup {
  fetchedAt: number;
  members: Promise<ReadonlySet<string>>;
}

/** Default time a user group's member list is trusted before it is fetched again. */
export const DEFAULT_GROUP_TTL_MS = 5 * 60_000;

/**
 * Resolves roles from the catalog, fetching user-group members through `groupMembers`
 * (Slack's `usergroups.users.list`) and caching each list for `ttlMs`. Groups are only asked
 * about for roles the user does not already hold by name; concurrent lookups of one group
 * share a request; failures are not cached, and a stale list is never used in their place.
 */
export function createRoleDirectory(options: {
  catalog: Pick<Catalog, 'roles'>;
  groupMembers: (groupId: string) => Promise<string[]>;
  now: () => Date;
  ttlMs?: number;
}): RoleDirectory {
  const ttlMs = options.ttlMs ?? DEFAULT_GROUP_TTL_MS;
  const cache = new Map<string, CachedGroup>();

  function membersOf(groupId: string): Promise<ReadonlySet<string>> {
    const now = options.now().getTime();
    const cached = cache.get(groupId);
    if (cached && now - cached.fetchedAt < ttlMs) return cached.members;
    const members = Promise.resolve()
      .then(() => options.groupMembers(groupId))
      .then((ids) => new Set(ids));
    const entry: CachedGroup = { fetchedAt: now, members };
    cache.set(groupId, entry);
    members.catch(() => {
      if (cache.get(groupId) === entry) cache.delete(groupId);
    });
    return members;
  }

  async function rolesOf(userId: string): Promise<Set<string>> {
    const roles = new Set<string>();
    const pending: [role: string, groups: string[]][] = [];
    for (const [role, def] of Object.entries(options.catalog.roles)) {
      if (def.users.includes(userId)) roles.add(role);
      else if (def.groups.length > 0) pending.push([role, def.groups]);
    }
    const groupIds = [...new Set(pending.flatMap(([, groups]) => groups))];
    const results = new Map(
      await Promise.all(groupIds.map(async (id) => [id, await settle(membersOf(id))] as const)),
    );
    const unresolved: string[] = [];
    const failedGroups = new Set<string>();
    let cause: unknown;
    for (const [role, groups] of pending) {
      const outcomes = groups.map((id) => [id, results.get(id)] as const);
      if (outcomes.some(([, r]) => r?.ok && r.value.has(userId))) {
        roles.add(role);
        continue;
      }
      const failed = outcomes.filter(([, r]) => !r?.ok);
      if (failed.length === 0) continue;
      unresolved.push(role);
      for (const [id, r] of failed) {
        failedGroups.add(id);
        if (r && !r.ok && cause === undefined) cause = r.error;
      }
    }
    if (unresolved.length > 0) {
      throw new RoleLookupError(roles, unresolved, [...failedGroups], cause);
    }
    return roles;
  }

  return { rolesOf };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
