import type { GateResult, SignOff } from './decide-gate.ts';

/** A sign-off as stored: bound to the results it was given on. */
export interface RecordedSignOff extends SignOff {
  /** resultsDigest() of the results the signer saw. */
  digest: string;
}

/**
 * What the signers saw, reduced to what changes a release decision: each check's status.
 * Measured values move on every re-run; a sign-off survives that, not a status change.
 */
export function resultsDigest(results: GateResult[]): string {
  return results
    .map((g) => `${g.name}[${g.checks.map((c) => `${c.checkId}=${c.status}`).join(',')}]`)
    .join(';');
}

/** Sign-offs still valid for these results, and those a changed result invalidated. */
export function partitionSignOffs(
  signOffs: RecordedSignOff[],
  digest: string,
): { valid: RecordedSignOff[]; invalidated: RecordedSignOff[] } {
  return {
    valid: signOffs.filter((s) => s.digest === digest),
    invalidated: signOffs.filter((s) => s.digest !== digest),
  };
}

/**
 * Whether `by` may sign for `role` now: the role is required, `by` holds it, nobody signed it
 * already, and (when the set wants distinct people) `by` has not signed for another role.
 * Returns the refusal to show, or undefined.
 */
export function signOffRefusal(input: {
  role: string;
  by: string;
  holds: ReadonlySet<string>;
  requiredRoles: readonly string[];
  distinctPeople: boolean;
  valid: readonly SignOff[];
}): string | undefined {
  const { role, by, valid } = input;
  if (!input.requiredRoles.includes(role)) {
    return `This gate set needs no \`${role}\` sign-off (required: ${input.requiredRoles.join(', ') || 'none'}).`;
  }
  if (!input.holds.has(role)) return `Only a holder of \`${role}\` may sign for it.`;
  const existing = valid.find((s) => s.role === role);
  if (existing) return `<@${existing.by}> already signed for \`${role}\`.`;
  const other = valid.find((s) => s.by === by);
  if (input.distinctPeople && other) {
    return `You signed for \`${other.role}\` already; this gate set wants a different person for each role.`;
  }
  return undefined;
}
