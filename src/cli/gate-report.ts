import type { Published } from '../gates/gate-service.ts';

const MARK = { passed: '✓', failed: '✗', waived: '~', inconclusive: '?' } as const;

/** The decision as a CI log shows it: headline, each gate and check, missing sign-offs. */
export function formatGateText(published: Published): string {
  const { run, set, decision } = published;
  const lines = [
    `${decision.decision} for ${run.service} ${run.version} → ${run.env} (gate set ${set.id}, evaluation ${run.id})`,
    decision.headline,
    '',
  ];
  for (const row of decision.rows) {
    lines.push(`${MARK[row.status]} ${row.name}: ${row.status}`);
    for (const check of row.checks) {
      const value = check.value !== undefined ? ` [${check.value}]` : '';
      lines.push(`    ${MARK[check.status]} ${check.checkId}${value}: ${check.reason}`);
    }
  }
  if (decision.missingRoles.length > 0) {
    lines.push('', `sign-offs missing: ${decision.missingRoles.join(', ')}`);
  }
  if (published.recorded) lines.push('', `signed manifest: ${published.recorded.url}`);
  return `${lines.join('\n')}\n`;
}

/** The decision as a pipeline reads it (`--format json`). */
export function gateJson(published: Published) {
  const { run, set, decision } = published;
  return {
    decision: decision.decision,
    headline: decision.headline,
    counts: decision.counts,
    missingRoles: decision.missingRoles,
    gateId: run.id,
    set: set.id,
    service: run.service,
    env: run.env,
    version: run.version,
    gates: decision.rows.map((row) => ({
      name: row.name,
      status: row.status,
      checks: row.checks,
    })),
    ...(published.recorded ? { evidence: published.recorded.url } : {}),
  };
}
