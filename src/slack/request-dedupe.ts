export type { RequestDedupe } from '../store/request-dedupe.ts';

/** How long a delivery is remembered: Slack retries within minutes, never after an hour. */
export const DEDUPE_TTL_SECONDS = 3600;

/** Key of a slash command: Slack issues one trigger_id per invocation. */
export function commandKey(body: { trigger_id?: string; team_id?: string }): string | undefined {
  return body.trigger_id ? `slack:command:${body.trigger_id}` : undefined;
}

/** Key of one button click: the message, the button, the click time and who clicked. */
export function actionKey(parts: {
  messageTs?: string;
  actionId: string;
  actionTs?: string;
  userId: string;
}): string {
  return `slack:action:${parts.messageTs ?? '-'}:${parts.actionId}:${parts.actionTs ?? '-'}:${parts.userId}`;
}

/**
 * Key of an Events API delivery: its event_id, else the event's channel and timestamp (one
 * message in one channel), so a replay without event_id is still answered once.
 */
export function eventKey(
  eventId: string | undefined,
  event: { channel?: string; event_ts?: string; ts?: string } = {},
): string | undefined {
  if (eventId) return `slack:event:${eventId}`;
  const ts = event.event_ts ?? event.ts;
  return event.channel && ts ? `slack:event-at:${event.channel}:${ts}` : undefined;
}
