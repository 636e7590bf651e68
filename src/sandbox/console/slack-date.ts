const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = 86_400_000;

/** `Today`, `Yesterday`, `Tomorrow` or `Dec 8` (UTC, the sandbox people's time zone). */
function prettyDay(at: Date, now: Date): string {
  const day = (d: Date) => Math.floor(d.getTime() / DAY);
  const diff = day(at) - day(now);
  if (diff === 0) return 'Today';
  if (diff === -1) return 'Yesterday';
  if (diff === 1) return 'Tomorrow';
  return `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A Slack date token's text as Slack would show it to a reader in UTC: `{date_short_pretty}
 * {time}` becomes `Today 05:16`. Unknown tokens keep their fallback, as old clients do.
 */
export function slackDateText(body: string, now = new Date()): string | undefined {
  const match = /^!date\^(\d+)\^([^^|]*)(?:\^[^|]*)?/.exec(body);
  if (!match) return undefined;
  const at = new Date(Number(match[1]) * 1000);
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
  const date = `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}, ${at.getUTCFullYear()}`;
  const parts: Record<string, string> = {
    date_short_pretty: prettyDay(at, now),
    date_pretty: prettyDay(at, now),
    date_short: `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}`,
    date,
    date_long: date,
    date_num: at.toISOString().slice(0, 10),
    time,
    time_secs: `${time}:${pad(at.getUTCSeconds())}`,
  };
  let unknown = false;
  const text = (match[2] ?? '').replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = parts[name];
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : text;
}
