import type { Signal } from '../domain/triage/schema.ts';
import { changeLabel, returnWarning } from '../domain/triage/suspect-change.ts';
import { encodeTriageButton, TRIAGE_ACTIONS } from './triage-actions.ts';
import { fields, notes, person, time } from './triage-notes.ts';
import {
  line,
  runnable,
  type TriagePlanFinding,
  type TriageSuggestionLine,
  triagePlanFinding,
} from './triage-plan.ts';
import type { IncidentState, TriageSubject } from './triage-subject.ts';
import type { FindingButton, FindingField, Line } from './types.ts';

/** Whether running a playbook's steps on a target needs someone's approval first. */
export type NeedsApproval = (input: {
  target: { service: string; env: string };
  actions: string[];
  playbook: string;
}) => boolean;

/** The neutral triage message of one incident; `src/slack/render/` turns it into blocks. */
export interface TriageFinding {
  /** One plain sentence for notifications and clients that cannot show blocks. */
  summary: string;
  title: string;
  state: IncidentState;
  /** `open · 2 firing, 1 resolved`, `resolved`. */
  status: string;
  fields: FindingField[];
  /** One line per signal, active ones first, deploys last. */
  signals: Line[];
  /** Signals left out of `signals` to keep the message short. */
  moreSignals: number;
  /** The top suggestions, best first (empty when resolved or nothing fits). */
  suggestions: TriageSuggestionLine[];
  /** The top suggestion's concrete plan, while the incident is open. */
  plan?: TriagePlanFinding;
  notes: Line[];
  /** None once the incident is resolved. */
  buttons: FindingButton[];
  footer: Line;
}

const EMOJI: Record<Signal['status'], string> = {
  firing: ':red_circle:',
  acknowledged: ':large_orange_circle:',
  resolved: ':white_check_mark:',
  recorded: ':package:',
};
const isActive = (s: Signal) => s.status === 'firing' || s.status === 'acknowledged';

/** One signal as a line: state, name, severity, since when, a link to look at. */
export function signalLine(signal: Signal): Line {
  if (signal.source === 'deploy' && signal.deploy) {
    const { from, to, by, kind } = signal.deploy;
    const line: Line = [
      `${EMOJI.recorded} ${changeLabel(kind)} \`${from}\` → \`${to}\` by `,
      person(by),
      ' at ',
      { time: new Date(signal.at) },
    ];
    const warning = returnWarning(signal);
    if (warning) line.push(` · :warning: ${warning}`);
    return line;
  }
  const line: Line = [`${EMOJI[signal.status]} *${signal.name}*`];
  if (signal.severity) line.push(` · ${signal.severity}`);
  if (signal.status === 'resolved' && signal.resolvedAt) {
    line.push(' · resolved ', { time: new Date(signal.resolvedAt) });
  } else line.push(' · since ', { time: new Date(signal.startedAt) });
  if (signal.link) {
    const text = signal.pagerduty ? `PagerDuty #${signal.pagerduty.number}` : 'source';
    line.push(' · ', { link: signal.link, text });
  }
  if (signal.title && signal.title !== signal.name) line.push(` — ${cut(signal.title, 140)}`);
  return line;
}

/**
 * The message of an incident: what fired (and what resolved), the ranked suggestions with
 * their reasons, the top plan's steps, what people did, and the buttons that still make sense.
 */
export function triageFinding(
  subject: TriageSubject,
  options: { maxSignals?: number; needsApproval?: NeedsApproval } = {},
): TriageFinding {
  const { incident, triage, state } = subject;
  const max = options.maxSignals ?? 10;
  const ordered = [
    ...incident.signals.filter(isActive),
    ...incident.signals.filter((s) => !isActive(s)),
    ...incident.deploys,
  ];
  const active = incident.signals.filter(isActive).length;
  const where = `${incident.service ?? 'unknown service'}${incident.env ? `/${incident.env}` : ''}`;
  const lead = (incident.signals.find(isActive) ?? incident.signals[0])?.name ?? 'signals';
  const others = incident.signals.length - 1;
  const title = `${where}: ${lead}${others > 0 ? ` and ${others} more` : ''}`;
  const open = state === 'open';
  const suggestions = open ? triage.suggestions : [];
  const top = suggestions[0];
  const status = open
    ? `open · ${active} active, ${incident.signals.length - active} resolved`
    : state === 'resolved'
      ? 'resolved'
      : 'closed';
  const finding: TriageFinding = {
    summary: `${subject.id} ${where}: ${lead} — ${open ? (top ? `suggested: ${top.playbook} (score ${top.score})` : 'no playbook fits') : status}`,
    title,
    state,
    status,
    fields: fields(subject),
    signals: ordered.slice(0, max).map(signalLine),
    moreSignals: Math.max(0, ordered.length - max),
    suggestions: suggestions.map((s, i) => line(s, i + 1)),
    notes: notes(subject),
    buttons: open ? buttons(subject, options.needsApproval) : [],
    footer: [
      `incident \`${subject.id}\` · update ${subject.version} · first signal `,
      time(incident.firstSignalAt),
    ],
  };
  if (top) finding.plan = triagePlanFinding(top);
  return finding;
}

/**
 * Run, or Request approval where the policy wants an approver (protected environments): the
 * same button and handler, worded for what a click does. Without a policy to ask, or without
 * a known target, it is worded as a request (fail safe: a click never runs without the engine).
 */
function runText(subject: TriageSubject, top: TriageSuggestionLineSource, needs?: NeedsApproval) {
  const { service, env } = subject.incident;
  const approval =
    !needs ||
    !service ||
    !env ||
    needs({
      target: { service, env },
      actions: top.plan.steps.map((s) => s.action),
      playbook: top.playbook,
    });
  return approval ? `Request approval: ${top.playbook}` : `Run ${top.playbook}`;
}

type TriageSuggestionLineSource = TriageSubject['triage']['suggestions'][number];

function buttons(subject: TriageSubject, needs?: NeedsApproval): FindingButton[] {
  const top = subject.triage.suggestions[0];
  const out: FindingButton[] = [];
  const incidentId = subject.id;
  if (top && runnable(top) && !subject.dismissed) {
    const value = encodeTriageButton({ incidentId, playbook: top.playbook });
    out.push({
      actionId: TRIAGE_ACTIONS.run,
      text: runText(subject, top, needs),
      value,
      style: 'primary',
    });
  }
  if (top) {
    const value = encodeTriageButton({ incidentId, playbook: top.playbook });
    out.push({ actionId: TRIAGE_ACTIONS.dryRun, text: 'Dry run', value });
  }
  if (subject.triage.candidates.length > 1) {
    out.push({ actionId: TRIAGE_ACTIONS.others, text: 'Other suggestions', value: incidentId });
  }
  if (!subject.dismissed) {
    const value = encodeTriageButton(top ? { incidentId, playbook: top.playbook } : { incidentId });
    out.push({ actionId: TRIAGE_ACTIONS.dismiss, text: 'Dismiss', value });
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
