/** `45s`, `2m30s`, `1h5m`, `30d`, `0.8s`: a measured or configured time as a person reads it. */
export function describeSeconds(seconds: number): string {
  if (seconds < 10 && !Number.isInteger(seconds)) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  // From two days on, in days (a report's `--since 30d` stays `30d`), as long as nothing is
  // lost: `2d12h`, but `60h30m`. Up to two days reads best in hours (`36h`).
  if (whole >= 2 * 86_400 && whole % 3600 === 0) {
    const hours = (whole % 86_400) / 3600;
    return `${Math.floor(whole / 86_400)}d${hours ? `${hours}h` : ''}`;
  }
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`;
  if (m > 0) return `${m}m${s ? `${s}s` : ''}`;
  return `${s}s`;
}
