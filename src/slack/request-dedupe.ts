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

/** Key of an Events API delivery. */
export function eventKey(eventId: string | undefined): string | undefined {
  return eventId ? `slack:event:${eventId}` : undefined;
}
