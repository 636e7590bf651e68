import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to what was typed, only when it is close enough to be a typo: within
 * about a third of its length by edit distance, or the only name the input is a prefix of.
 */
export function suggest(input: string, known: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  if (typed === '') return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const prefixed: string[] = [];
  for (const name of known) {
    const lower = name.toLowerCase();
    if (lower.startsWith(typed) && typed.length >= 2) prefixed.push(name);
    // Very long input cannot be a typo of a short name; skip the quadratic work.
    if (Math.abs(lower.length - typed.length) > 3) continue;
    const d = distance(typed, lower);
    const limit = Math.max(1, Math.floor(lower.length / 3));
    if (d <= limit && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best ?? (prefixed.length === 1 ? prefixed[0] : undefined);
}

/** ` Did you mean `x`?` or nothing: appended to a message that already ends in a period. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion ? ` Did you mean \`${suggestion}\`?` : '';
}
