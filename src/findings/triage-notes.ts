import type { TriageSubject } from './triage-subject.ts';
import type { FindingField, Inline, Line } from './types.ts';

/** A person as an inline: a Slack id becomes a mention, anything else stays text. */
export function person(by: string): Inline {
  return /^[UW][A-Z0-9]{8,}$/.test(by) ? { user: by } : by.startsWith('@') ? by : `@${by}`;
}

/** The labelled values of a triage message: service, environment, times, PagerDuty links. */
export function fields(subject: TriageSubject): FindingField[] {
  const { incident } = subject;
  const out: FindingField[] = [
    { label: 'Service', value: [incident.service ?? '(not in the catalog)'] },
    { label: 'Environment', value: [incident.env ?? '(unknown)'] },
    { label: 'Opened', value: [time(incident.openedAt)] },
  ];
  const pages = incident.signals.filter((s) => s.pagerduty);
  if (pages.length > 0) {
    const links: Line = [];
    for (const s of pages) {
      if (links.length > 0) links.push(', ');
      if (s.pagerduty) links.push({ link: s.pagerduty.url, text: `#${s.pagerduty.number}` });
    }
    out.push({ label: 'PagerDuty', value: links });
  }
  if (incident.closedAt) out.push({ label: 'Resolved', value: [time(incident.closedAt)] });
  if (incident.follows) {
    out.push({
      label: 'Follows',
      value: [`\`${incident.follows}\` (resolved; signals came back)`],
    });
  }
  return out;
}

/** What people did and what the bot knows beyond the signals: runs, acks, dismissal. */
export function notes(subject: TriageSubject): Line[] {
  const out: Line[] = [];
  const { triage, state } = subject;
  if (state === 'open' && triage.suggestions.length === 0) {
    out.push([
      triage.note ??
        'No playbook fits these signals; `/mc triage` re-checks once more signals arrive.',
    ]);
  }
  if (state !== 'open') out.push(['Every signal is resolved: nothing to run.']);
  for (const run of subject.runs) {
    out.push([
      `Run \`${run.id}\` (${run.playbook}) requested by `,
      person(run.by),
      ' at ',
      time(run.at),
    ]);
  }
  if (subject.acknowledgedAt) {
    const after = duration(
      subject.acknowledgedAt.getTime() - Date.parse(subject.incident.firstSignalAt),
    );
    if (subject.ackViaBot && subject.acknowledgedBy) {
      out.push([
        'Acknowledged by ',
        person(subject.acknowledgedBy),
        ` through mc, ${after} after the first signal`,
      ]);
    } else out.push([`Acknowledged in PagerDuty, ${after} after the first signal`]);
  }
  if (subject.dismissed) {
    out.push([
      'Suggestion dismissed by ',
      person(subject.dismissed.by),
      ' at ',
      { time: subject.dismissed.at },
    ]);
  }
  return out;
}

export function time(iso: string): Inline {
  return { time: new Date(iso) };
}

/** `4m 12s`, `2h 5m`: how long, for people. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
