import type { SlackWebClient } from './web-client.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * A Slack user's display name from `users.info` (display name, else real name, else handle),
 * kept an hour; undefined when Slack does not say (unknown user, no scope, Slack down). One
 * call at a time per user, and a failed call is not repeated for a minute: a Slack outage
 * costs each caller one wait, not one per message.
 */
export function createDisplayNames(
  client: Pick<SlackWebClient, 'users'>,
  clock: () => number = Date.now,
): (userId: string) => Promise<string | undefined> {
  const cache = new Map<string, { name: Promise<string | undefined>; until: number }>();
  async function ask(userId: string): Promise<string | undefined> {
    try {
      const { user } = await client.users.info({ user: userId });
      const name = user?.profile?.display_name || user?.real_name || user?.name || undefined;
      cache.set(userId, { name: Promise.resolve(name), until: clock() + HOUR });
      return name;
    } catch {
      cache.set(userId, { name: Promise.resolve(undefined), until: clock() + MINUTE });
      return undefined;
    }
  }
  return (userId) => {
    const hit = cache.get(userId);
    if (hit && clock() < hit.until) return hit.name;
    // In flight until ask() replaces it with the answer (even one it gives synchronously).
    const pending = { name: Promise.resolve<string | undefined>(undefined), until: Infinity };
    cache.set(userId, pending);
    pending.name = ask(userId);
    return pending.name;
  };
}
