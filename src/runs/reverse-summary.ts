// One side of a plan's arrow: `revision 3 (1.4.2)`, a `code span`, or a single word.
const SIDE = String.raw`(?:revision \d+ \([^)]*\)|\x60[^\x60]*\x60|[^\s,]+)`;
const ARROW = new RegExp(`^(.*?)(${SIDE}) → (${SIDE})(.*)$`);

/**
 * The plan line of a step's undo, in the direction the undo goes: `checkout/prod rollback:
 * revision 3 (1.4.2) → revision 2 (1.4.1), 6 pods` becomes `checkout/prod back: revision 2
 * (1.4.1) → revision 3 (1.4.2), 6 pods`, so the card agrees with its reversed diff.
 */
export function reverseSummary(summary: string): string {
  const match = ARROW.exec(summary);
  if (!match) return `put back what it changed (${summary})`;
  const [, head = '', from = '', to = '', rest = ''] = match;
  return `${head.replace(/ rollback: $/, ' back: ')}${to} → ${from}${rest}`;
}
