import type { Actor } from './types.ts';

/** What a click is checked against: where the run was asked for and where its message is. */
interface RunPlace {
  run: { id: string; channel?: string | undefined };
  message?: { channel: string } | undefined;
  team?: string | undefined;
}

/**
 * Why a click from `actor.origin` may not act on this run, or undefined: a click from another
 * Slack team than the run's (a shared channel), or from another channel than the one its
 * message is in (a copied button). Calls without an origin are the bot's own.
 */
export function wrongPlace(
  place: RunPlace,
  actor: Actor,
  what = `Run ${place.run.id}`,
): string | undefined {
  const origin = actor.origin;
  if (!origin) return undefined;
  if (origin.team && place.team && origin.team !== place.team) {
    return `${what} belongs to another Slack workspace; nothing was done.`;
  }
  const home = place.message?.channel ?? place.run.channel;
  // Only ids compare: a run asked for in `#team-checkout` (a catalog name) has no id to hold.
  if (origin.channel && home && !home.startsWith('#') && origin.channel !== home) {
    return `${what} is decided in the channel where its message is, not here; nothing was done.`;
  }
  return undefined;
}
