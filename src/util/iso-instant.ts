/**
 * A moment as the bot writes it into texts it composes (step summaries, check reasons,
 * refusals): ISO 8601 in UTC to the second, `2027-01-04T08:00:00Z`. Slack messages show it as
 * a date token in the reader's time zone; evidence pages and the ledger keep it as written.
 */
export function isoInstant(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Matches the instants `isoInstant` writes (and ISO UTC instants with minutes or milliseconds). */
export const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z\b/g;
