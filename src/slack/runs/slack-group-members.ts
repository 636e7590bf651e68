import type { SlackWebClient } from '../web-client.ts';

/**
 * The members of a Slack user group, from `usergroups.users.list`: what the RoleDirectory
 * resolves group-held roles with. A Slack error throws, so nothing is granted from a failure.
 */
export function slackGroupMembers(client: SlackWebClient): (groupId: string) => Promise<string[]> {
  return async (groupId) => {
    const answer = await client.usergroups.users.list({ usergroup: groupId });
    if (!answer.ok)
      throw new Error(`usergroups.users.list ${groupId}: ${answer.error ?? 'failed'}`);
    return answer.users ?? [];
  };
}
