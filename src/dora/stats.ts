/**
 * The `p` quantile (0–1) of `values`, interpolated between the closest ranks (Hyndman–Fan
 * type 7, what spreadsheets and numpy compute by default); null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const lower = sorted[low] as number;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)] as number;
  return lower + (h - low) * (upper - lower);
}

/** Median and p90 of durations in seconds, with how many there were. */
export function distribution(seconds: readonly number[]) {
  return {
    medianSeconds: quantile(seconds, 0.5),
    p90Seconds: quantile(seconds, 0.9),
    n: seconds.length,
  };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d` → milliseconds; undefined when the text is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^([0-9]+)(m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** `3h 20m`, `2d 4h`, `45s`: a duration as people read it. */
export function humanSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
