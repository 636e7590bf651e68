import { describe, expect, it } from 'vitest';
import { createRoleDirectory, RoleLookupError } from '../../../src/domain/policy/index.ts';
import { CATALOG, T0 } from './fixtures.ts';

/** A usergroups.users.list stand-in that counts calls and fails for the groups told to. */
function fakeSlack(members: Record<string, string[]>) {
  const calls: string[] = [];
  const failing = new Set<string>();
  return {
    calls,
    failing,
    async groupMembers(groupId: string): Promise<string[]> {
      calls.push(groupId);
      if (failing.has(groupId)) throw new Error('slack said: ratelimited');
      return members[groupId] ?? [];
    },
  };
}

function setup(members: Record<string, string[]>, ttlMs = 60_000) {
  const slack = fakeSlack(members);
  let now = T0.getTime();
  const directory = createRoleDirectory({
    catalog: CATALOG,
    groupMembers: (id) => slack.groupMembers(id),
    now: () => new Date(now),
    ttlMs,
  });
  return { slack, directory, advance: (ms: number) => (now += ms) };
}

const GROUPS = {
  S01SRELEAD: ['U07FRANK07'],
  S02RELMGRS: [],
  S05ONCALL1: ['U07FRANK07', 'U08GRACE08'],
};

describe('domain/policy/role-directory', () => {
  it.each<[string, string[]]>([
    ['U01ALICE01', ['sre-lead']],
    ['U07FRANK07', ['sre-lead', 'oncall']],
    ['U08GRACE08', ['oncall']],
    ['U04ERINN05', ['qa-lead']],
    ['U99NOBODY9', []],
  ])('%s holds %j', async (user, roles) => {
    const { directory } = setup(GROUPS);
    expect([...(await directory.rolesOf(user))].sort()).toEqual([...roles].sort());
  });

  it('asks Slack about a group once per TTL, and again after it', async () => {
    const { slack, directory, advance } = setup(GROUPS);
    await Promise.all([directory.rolesOf('U08GRACE08'), directory.rolesOf('U07FRANK07')]);
    await directory.rolesOf('U99NOBODY9');
    expect(slack.calls.filter((g) => g === 'S05ONCALL1')).toHaveLength(1);
    advance(59_999);
    await directory.rolesOf('U08GRACE08');
    expect(slack.calls.filter((g) => g === 'S05ONCALL1')).toHaveLength(1);
    advance(1);
    await directory.rolesOf('U08GRACE08');
    expect(slack.calls.filter((g) => g === 'S05ONCALL1')).toHaveLength(2);
  });

  it('does not ask about groups of a role the user holds by name', async () => {
    const { slack, directory } = setup(GROUPS);
    await directory.rolesOf('U01ALICE01');
    expect(slack.calls).not.toContain('S01SRELEAD');
  });

  it('grants nothing from a failed lookup, says which role it could not check, and retries next time', async () => {
    const { slack, directory } = setup(GROUPS);
    slack.failing.add('S05ONCALL1');
    const error = await directory.rolesOf('U08GRACE08').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoleLookupError);
    const lookup = error as RoleLookupError;
    expect(lookup.known).toEqual(new Set());
    expect(lookup.unresolved).toEqual(['oncall']);
    expect(lookup.groups).toEqual(['S05ONCALL1']);
    expect(lookup.message).toBe(
      'I could not check membership of Slack user group S05ONCALL1 (role oncall): ' +
        'slack said: ratelimited. Nothing was granted; try again in a minute.',
    );
    slack.failing.delete('S05ONCALL1');
    expect(await directory.rolesOf('U08GRACE08')).toEqual(new Set(['oncall']));
  });

  it('keeps the roles it could confirm when another group fails', async () => {
    const { slack, directory } = setup(GROUPS);
    slack.failing.add('S05ONCALL1');
    const error = (await directory
      .rolesOf('U07FRANK07')
      .catch((e: unknown) => e)) as RoleLookupError;
    expect(error.known).toEqual(new Set(['sre-lead']));
    expect(error.unresolved).toEqual(['oncall']);
  });

  it('does not serve a stale member list when the refresh fails', async () => {
    const { slack, directory, advance } = setup(GROUPS);
    expect(await directory.rolesOf('U08GRACE08')).toEqual(new Set(['oncall']));
    advance(60_000);
    slack.failing.add('S05ONCALL1');
    await expect(directory.rolesOf('U08GRACE08')).rejects.toBeInstanceOf(RoleLookupError);
  });

  it('is not blocked by a failing group of a role the user holds through another group', async () => {
    const catalog = {
      roles: {
        oncall: { description: 'On call.', users: [], groups: ['S05ONCALL1', 'S06BACKUP1'] },
      },
    };
    const slack = fakeSlack({ S05ONCALL1: ['U08GRACE08'] });
    slack.failing.add('S06BACKUP1');
    const directory = createRoleDirectory({
      catalog,
      groupMembers: (id) => slack.groupMembers(id),
      now: () => T0,
    });
    expect(await directory.rolesOf('U08GRACE08')).toEqual(new Set(['oncall']));
  });
});
