import type { SlackWebClient } from './web-client.ts';

const HOUR = 3_600_000;

/**
 * A Slack user's display name from `users.info` (display name, else real name, else handle),
 * kept an hour; undefined when Slack does not say (unknown user, no scope, Slack down).
 */
export function createDisplayNames(
  client: Pick<SlackWebClient, 'users'>,
  clock: () => number = Date.now,
): (userId: string) => Promise<string | undefined> {
  const cache = new Map<string, { name: string | undefined; at: number }>();
  return async (userId) => {
    const hit = cache.get(userId);
    if (hit && clock() - hit.at < HOUR) return hit.name;
    let name: string | undefined;
    try {
      const { user } = await client.users.info({ user: userId });
      name = user?.profile?.display_name || user?.real_name || user?.name || undefined;
    } catch {
      return undefined;
    }
    cache.set(userId, { name, at: clock() });
    return name;
  };
}
