import type { Playbook, TriagePlaybook } from '../playbooks/schema.ts';
import type { ConditionCheck } from './condition-check.ts';
import { matchPlaybook } from './match-playbook.ts';
import { noiseReason } from './noise.ts';
import type { Incident, Signal } from './schema.ts';

/** A playbook's score for one incident, with the reasons behind it. */
export interface RankedPlaybook {
  playbook: string;
  title: string;
  score: number;
  reasons: string[];
  /** False when a required rule did not match: listed for insight, never suggested. */
  eligible: boolean;
  /** Its `confirm` condition as measured, when it was (see ConditionCheck). */
  check?: ConditionCheck;
}

export interface Ranking {
  /** At most `limit` eligible candidates scoring at least `threshold`, best first. */
  suggestions: RankedPlaybook[];
  /** Every triage playbook an alerts or pagerduty rule matched, best first. */
  candidates: RankedPlaybook[];
  /** Why nothing is suggested, when that is the case for a reason other than no match. */
  note?: string;
}

export interface RankOptions {
  now: string;
  /** Deploys to consider; default the incident's own. Deploys after `now` are ignored. */
  deploys?: Signal[];
  /** Minimum score to suggest (default 40: one primary rule at its default weight suffices). */
  threshold?: number;
  /** How many suggestions (default 3). */
  limit?: number;
  /** Measured `confirm` conditions by playbook id: one that fails is demoted. */
  checks?: Record<string, ConditionCheck>;
}

export const DEFAULT_THRESHOLD = 40;

/** Best first: score, then more matched rules, then id for a stable order. */
function byScore(a: RankedPlaybook & { rules: number }, b: RankedPlaybook & { rules: number }) {
  return b.score - a.score || b.rules - a.rules || a.playbook.localeCompare(b.playbook);
}

/**
 * Scores every triage playbook against an incident: the sum of the weights of its matched
 * rules, with one reason per match. Candidates need an alerts or pagerduty match; suggestions
 * also need every required rule and the threshold, and a `confirm` condition that was not
 * measured to fail (`options.checks`). A closed incident, or one whose active
 * signals are all noise, gets no suggestion.
 */
export function rankPlaybooks(
  incident: Incident,
  playbooks: Playbook[],
  options: RankOptions,
): Ranking {
  const now = Date.parse(options.now);
  const deploys = (options.deploys ?? incident.deploys).filter((d) => Date.parse(d.at) <= now);
  const active = incident.signals.filter(
    (s) => (s.status === 'firing' || s.status === 'acknowledged') && !noiseReason(s),
  );
  const considered = active.length > 0 ? active : incident.signals.filter((s) => !noiseReason(s));
  const context = {
    deploys,
    firstSignalAt: incident.firstSignalAt,
    service: incident.service,
    env: incident.env,
  };
  const ranked = playbooks
    .filter((p): p is TriagePlaybook => p.kind === 'triage')
    .map((playbook) => {
      const m = matchPlaybook(playbook, considered, context);
      return {
        playbook: playbook.id,
        title: playbook.title,
        score: m.matched.reduce((sum, r) => sum + r.weight, 0),
        reasons: [...m.matched.flatMap((r) => r.reasons), ...m.missing],
        eligible: m.primary && m.missing.length === 0,
        primary: m.primary,
        rules: m.matched.length,
      };
    })
    .filter((r) => r.primary)
    .sort(byScore);
  const candidates = ranked.map(({ primary: _p, rules: _r, ...r }): RankedPlaybook => {
    const check = options.checks?.[r.playbook];
    return check ? { ...r, check } : r;
  });
  let note: string | undefined;
  if (incident.status === 'closed' || active.length === 0) {
    note =
      incident.signals.length > 0 && incident.signals.every((s) => noiseReason(s))
        ? 'only noise: nothing to do'
        : 'every signal is resolved: nothing to do';
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const fit = candidates.filter((c) => c.eligible && c.score >= threshold);
  // A playbook whose condition was measured not to hold is demoted: never suggested.
  const suggestions = note
    ? []
    : fit.filter((c) => c.check?.status !== 'fails').slice(0, options.limit ?? 3);
  const demoted = fit.filter((c) => c.check?.status === 'fails');
  if (!note && suggestions.length === 0 && demoted.length > 0) {
    note = `no suggestion: ${demoted.map((c) => `\`${c.playbook}\` is demoted, ${c.check?.text}`).join('; ')}`;
  }
  return note ? { suggestions, candidates, note } : { suggestions, candidates };
}
