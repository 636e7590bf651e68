/** Deepest nesting accepted in a webhook body; real Alertmanager and PagerDuty bodies nest < 10. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects or arrays deeper than limit. A linear scan that skips
 * strings: deep bodies must be refused before JSON.stringify (recursive) overflows the stack
 * on them, which no retry by the sender could ever fix.
 */
export function nestsDeeperThan(text: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
