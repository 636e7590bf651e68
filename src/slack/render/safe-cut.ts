/**
 * Cutting text to a length Slack accepts without breaking what it means: never inside an
 * `&lt;` escape, a `<@U…>` mention, a `<url|label>` link or a surrogate pair, never leaving
 * a code fence open, and (for mrkdwn) always saying how much was cut.
 */

/** The notice appended to cut mrkdwn; `n` is the number of characters left out. */
export function cutNotice(n: number): string {
  return `… _(${n.toLocaleString('en-US')} more characters not shown)_`;
}

// The longest notice, for a text of up to 99,999,999 characters.
const NOTICE_ROOM = cutNotice(99_999_999).length;

/** The largest index ≤ at that does not fall inside an escape, a `<…>` sequence or a pair. */
export function safeBoundary(text: string, at: number): number {
  let end = Math.max(0, Math.min(at, text.length));
  const open = text.lastIndexOf('<', end - 1);
  if (open !== -1 && text.lastIndexOf('>', end - 1) < open) end = open;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp !== -1 && end - amp <= 8 && !text.slice(amp, end).includes(';')) end = amp;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return end;
}

// Prefer ending at a line or word break when one is near the limit.
function niceBoundary(text: string, at: number): number {
  const end = safeBoundary(text, at);
  const floor = Math.floor(end * 0.8);
  const line = text.lastIndexOf('\n', end);
  if (line > floor) return line;
  const space = text.lastIndexOf(' ', end);
  return space > floor && space >= end - 40 ? safeBoundary(text, space) : end;
}

/** Mrkdwn cut to at most `max` characters, at a safe boundary, with a notice of what was cut. */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - NOTICE_ROOM - 4);
  const end = niceBoundary(text, room);
  let kept = text.slice(0, end).trimEnd();
  // An odd number of ``` fences means the cut is inside a code block: close it.
  if ((kept.match(/```/g) ?? []).length % 2 === 1) kept += '\n```';
  return `${kept}${cutNotice(text.length - end)}`;
}

/** Plain text (button labels, headers, dialog texts) cut to `max` with an ellipsis. */
export function cutPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** Mrkdwn for inline use (a value, a name) cut to `max` at a safe boundary with an ellipsis. */
export function cutInline(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, safeBoundary(text, max - 1))}…`;
}
