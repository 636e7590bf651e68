import type { ConditionCheck } from '../domain/triage/condition-check.ts';
import type { RankedPlaybook } from '../domain/triage/rank-playbooks.ts';
import type { Suggestion } from '../domain/triage/replay.ts';
import type { TriageSubject } from './triage-subject.ts';

/** One step of a suggested plan, its parameters already filled from the incident. */
export interface TriagePlanStep {
  /** 1-based, as people count. */
  number: number;
  action: string;
  /** `service=checkout env=prod replicas=+2`. */
  params: string;
  description?: string;
}

/** The top suggestion's plan: what Run would ask the engine for, and what to look at. */
export interface TriagePlanFinding {
  playbook: string;
  title: string;
  score: number;
  notifyOnly: boolean;
  steps: TriagePlanStep[];
  /** Optional steps left out, with the variables they lacked. */
  skipped: string[];
  /** Variables required steps lack: the plan cannot run while non-empty. */
  missing: string[];
  evidence: { title: string; query?: string; url?: string }[];
  /** `error_ratio > 0.01`: the condition the playbook's diagnosis rests on, when it says. */
  confirm?: string;
  /** That condition as measured before the suggestion was offered. */
  check?: Pick<ConditionCheck, 'status' | 'text'>;
}

/** A ranked playbook as a person reads it in a list. */
export interface TriageSuggestionLine {
  rank: number;
  playbook: string;
  title: string;
  score: number;
  reasons: string[];
  /** Why it is listed but not suggested (a required rule missed, under the threshold). */
  notSuggested?: string;
  /** Its `confirm` condition as measured: holds, fails (demoted) or unverified. */
  check?: Pick<ConditionCheck, 'status' | 'text'>;
}

// Characters chat markup reads as bold, italic, strike or code: a value holding one (a regex,
// a label matcher) is quoted as code, so it shows exactly as the step will use it.
const MARKUP = /[*_~]/;

/** One value as written, or as a code span when markup would otherwise change how it reads. */
function paramValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return MARKUP.test(text) && !text.includes('`') ? `\`${text}\`` : text;
}

/**
 * `service=checkout env=prod replicas=+2`: params in their written order, objects as JSON;
 * a value with `*`, `_` or `~` in it as code (`` alertname=`.*Error.*` ``).
 */
export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${paramValue(value)}`)
    .join(' ');
}

/** A suggestion's rendered plan as a finding. */
export function triagePlanFinding(suggestion: Suggestion): TriagePlanFinding {
  const { plan } = suggestion;
  const finding: TriagePlanFinding = {
    playbook: suggestion.playbook,
    title: suggestion.title,
    score: suggestion.score,
    notifyOnly: plan.notifyOnly,
    steps: plan.steps.map((step, i) => ({
      number: i + 1,
      action: step.action,
      params: formatParams(step.params),
      ...(step.description ? { description: step.description } : {}),
    })),
    skipped: plan.skipped.map((s) => `${s.action} (needs ${s.missing.join(', ')})`),
    missing: [...plan.missing],
    evidence: plan.evidence.map((e) => ({
      title: e.title,
      ...(e.query ? { query: e.query } : {}),
      ...(e.url ? { url: e.url } : {}),
    })),
  };
  if (plan.confirm) {
    const { query, comparison, threshold } = plan.confirm;
    finding.confirm = `${query} ${comparison} ${threshold}`;
    finding.check = suggestion.check
      ? { status: suggestion.check.status, text: suggestion.check.text }
      : { status: 'unverified', text: 'condition not measured' };
  }
  return finding;
}

/** Whether Run can work at all: something to run, and every variable it needs known. */
export function runnable(suggestion: Suggestion | undefined): boolean {
  return Boolean(
    suggestion &&
      !suggestion.plan.notifyOnly &&
      suggestion.plan.steps.length > 0 &&
      suggestion.plan.missing.length === 0,
  );
}

/**
 * Every candidate but the top suggestion, best first: the other suggestions, then playbooks
 * that matched but were not suggested, each saying why (for "Other suggestions").
 */
export function otherSuggestions(subject: TriageSubject): TriageSuggestionLine[] {
  const { suggestions, candidates } = subject.triage;
  const suggested = new Set(suggestions.map((s) => s.playbook));
  const top = suggestions[0]?.playbook;
  const lines: TriageSuggestionLine[] = [];
  for (const s of suggestions) {
    if (s.playbook !== top) lines.push(line(s, lines.length + 2));
  }
  for (const c of candidates) {
    if (suggested.has(c.playbook)) continue;
    lines.push({ ...line(c, lines.length + 2), notSuggested: whyNot(c) });
  }
  return lines;
}

/** A ranked playbook as a line, with its measured condition when there is one. */
export function line(ranked: Omit<RankedPlaybook, 'eligible'>, rank: number): TriageSuggestionLine {
  return {
    rank,
    playbook: ranked.playbook,
    title: ranked.title,
    score: ranked.score,
    reasons: [...ranked.reasons],
    ...(ranked.check ? { check: { status: ranked.check.status, text: ranked.check.text } } : {}),
  };
}

function whyNot(candidate: RankedPlaybook): string {
  if (candidate.check?.status === 'fails') {
    return `its condition does not hold: ${candidate.check.text}`;
  }
  return candidate.eligible
    ? 'under the score threshold or past the top 3'
    : 'a required rule did not match';
}

/** Why Run cannot go ahead for this incident and playbook (worded for the clicker), or undefined. */
export function whyNotRun(
  subject: TriageSubject,
  playbook: string | undefined,
): string | undefined {
  const suggestion = subject.triage.suggestions.find((s) => s.playbook === playbook);
  if (subject.state !== 'open') return `\`${subject.id}\` is resolved: nothing to run.`;
  if (!suggestion) {
    return `\`${playbook}\` is no longer suggested for \`${subject.id}\`; the message shows what is.`;
  }
  if (!runnable(suggestion)) {
    return `\`${suggestion.playbook}\` has nothing to run here: use Dry run to see what to look at.`;
  }
  if (!subject.incident.service || !subject.incident.env) {
    return `\`${subject.id}\` names no catalog service, so nothing can run.`;
  }
  return undefined;
}
