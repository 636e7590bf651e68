/** How one check ended. `inconclusive` (an error, a timeout, no data) never counts as passed. */
export type CheckStatus = 'passed' | 'failed' | 'inconclusive';

export interface CheckResult {
  checkId: string;
  title: string;
  status: CheckStatus;
  /** What was measured (`0.42`, `2 open incidents`), when something was. */
  value?: string;
  /** Why it passed or not, in a sentence a release manager reads. */
  reason: string;
  /** Where to look: a Prometheus graph, a PagerDuty incident, a drill's evidence. */
  link?: string;
}

/** A gate's checks as run: the gate passes when every check passed. */
export interface GateResult {
  name: string;
  checks: CheckResult[];
}

/** A time-boxed exception for a gate that did not pass. */
export interface Waiver {
  gate: string;
  by: string;
  reason: string;
  expiresAt: Date;
}

export interface SignOff {
  role: string;
  by: string;
  at: Date;
  comment?: string;
}

export type GateStatus = 'passed' | 'failed' | 'waived' | 'inconclusive';

export interface GateRow extends GateResult {
  status: GateStatus;
  /** The active waiver, when the gate is waived. */
  waiver?: Waiver;
}

export type Decision = 'GO' | 'NO-GO' | 'PENDING';

export interface GateCounts {
  total: number;
  passed: number;
  failed: number;
  waived: number;
  inconclusive: number;
}

export interface GateDecision {
  decision: Decision;
  /** The table: one row per gate, in the gate set's order. */
  rows: GateRow[];
  /** Computed from `rows`, never apart from them. */
  counts: GateCounts;
  /** "6/8 gates passed, 2 failed: Supply chain immutability, Pre-flight validation". */
  headline: string;
  /** Required roles nobody has signed for yet. */
  missingRoles: string[];
}

/** A gate's status from its checks and its waiver (only an unexpired waiver counts). */
export function gateStatus(result: GateResult, waiver: Waiver | undefined, now: Date): GateStatus {
  const statuses = result.checks.map((c) => c.status);
  const own: GateStatus = statuses.includes('failed')
    ? 'failed'
    : statuses.includes('inconclusive') || statuses.length === 0
      ? 'inconclusive'
      : 'passed';
  if (own === 'passed') return own;
  return waiver && waiver.expiresAt.getTime() > now.getTime() ? 'waived' : own;
}

const ORDER: GateStatus[] = ['failed', 'inconclusive', 'waived'];

/** The headline, from the rows alone: passed of total, then each other status with its gates. */
export function headline(rows: GateRow[]): string {
  const counts = countRows(rows);
  const parts = [`${counts.passed}/${counts.total} gates passed`];
  for (const status of ORDER) {
    const names = rows.filter((r) => r.status === status).map((r) => r.name);
    if (names.length > 0) parts.push(`${names.length} ${status}: ${names.join(', ')}`);
  }
  return parts.join(', ');
}

export function countRows(rows: GateRow[]): GateCounts {
  const counts: GateCounts = {
    total: rows.length,
    passed: 0,
    failed: 0,
    waived: 0,
    inconclusive: 0,
  };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/**
 * The Go/No-Go: NO-GO while any gate failed or is inconclusive without an active waiver;
 * otherwise PENDING while a required role has no sign-off; otherwise GO. Counts and the
 * headline are derived from the same rows the table shows, so they cannot disagree.
 */
export function decideGate(input: {
  results: GateResult[];
  waivers: Waiver[];
  signOffs: SignOff[];
  requiredRoles: string[];
  now: Date;
}): GateDecision {
  const rows = input.results.map((result): GateRow => {
    const waiver = input.waivers
      .filter((w) => w.gate === result.name && w.expiresAt.getTime() > input.now.getTime())
      .at(-1);
    const status = gateStatus(result, waiver, input.now);
    return { ...result, status, ...(status === 'waived' && waiver ? { waiver } : {}) };
  });
  const counts = countRows(rows);
  const signed = new Set(input.signOffs.map((s) => s.role));
  const missingRoles = input.requiredRoles.filter((role) => !signed.has(role));
  const blocked = counts.failed + counts.inconclusive > 0;
  const decision: Decision = blocked ? 'NO-GO' : missingRoles.length > 0 ? 'PENDING' : 'GO';
  return { decision, rows, counts, headline: headline(rows), missingRoles };
}
