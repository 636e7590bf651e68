import type { RenderedPlaybook } from './render-steps.ts';
import type { ReportIncident, TriageReport } from './replay.ts';
import type { Signal } from './schema.ts';

function describeSignal(s: Signal): string {
  if (s.source === 'deploy' && s.deploy) {
    return `deploy        ${s.service}/${s.env} ${s.deploy.from} → ${s.deploy.to} by ${s.deploy.by} at ${s.at}`;
  }
  const what = s.source === 'pagerduty' ? `#${s.pagerduty?.number} ${s.title ?? s.name}` : s.name;
  const when = s.resolvedAt ? `resolved ${s.resolvedAt}` : `since ${s.startedAt}`;
  return `${s.source.padEnd(13)} ${what}  ${s.severity ?? '-'}  ${s.status} ${when}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `k8s.scale service=checkout env=prod replicas=+2`, one line per step. */
export function describePlan(plan: RenderedPlaybook): string[] {
  if (plan.notifyOnly) {
    return [
      'notify only; look at:',
      ...plan.evidence.map((e) => `  ${e.title}: ${e.url ?? e.query}`),
    ];
  }
  const lines = plan.steps.map(
    (step) =>
      `${step.action} ${Object.entries(step.params)
        .map(([k, v]) => `${k}=${describeValue(v)}`)
        .join(' ')}`,
  );
  for (const s of plan.skipped) lines.push(`(skipped ${s.action}: no ${s.missing.join(', ')})`);
  if (plan.missing.length > 0)
    lines.push(`cannot run yet: no value for ${plan.missing.join(', ')}`);
  return lines;
}

function formatIncident(incident: ReportIncident): string[] {
  const target = incident.service
    ? `${incident.service}/${incident.env ?? '?'}`
    : '(unknown service)';
  const state =
    incident.status === 'closed'
      ? `closed ${incident.closedAt}`
      : `open since ${incident.firstSignalAt}`;
  const lines = [`${incident.id}  ${target}  ${state}`, '  signals:'];
  lines.push(...incident.signals.map((s) => `    ${describeSignal(s)}`));
  if (incident.suggestions.length === 0) {
    lines.push(`  no suggestion${incident.note ? `: ${incident.note}` : ': no playbook matched'}`);
    return lines;
  }
  lines.push('  suggestions:');
  incident.suggestions.forEach((s, i) => {
    lines.push(`    ${i + 1}. ${s.playbook} (score ${s.score}) ${s.title}`);
    lines.push(...s.reasons.map((r) => `       - ${r}`));
    const [first, ...rest] = describePlan(s.plan);
    lines.push(`       plan: ${first ?? '(none)'}`, ...rest.map((l) => `             ${l}`));
  });
  return lines;
}

/** The replay report for people: one block per incident, suggestions best first. */
export function formatTriageText(report: TriageReport): string {
  const blocks = report.incidents.map((i) => formatIncident(i).join('\n'));
  if (report.incidents.length === 0) blocks.push('No incidents.');
  if (report.ignored.length > 0) {
    blocks.push(
      [
        'Ignored signals:',
        ...report.ignored.map((s) => `  ${s.source} ${s.name} (${s.id}): ${s.reason}`),
      ].join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}
