import { describeCheck } from '../domain/deploys/describe-verification.ts';
import type { CheckOutcome } from '../domain/deploys/verification-window.ts';
import type { VerificationSummary, VerifiedCheck } from '../runs/verification-summary.ts';
import type { VerificationOutcome } from './run-verification.ts';

function verified(check: CheckOutcome): VerifiedCheck {
  return {
    name: check.name,
    comparison: check.comparison,
    threshold: check.threshold,
    value: check.value === undefined || !Number.isFinite(check.value) ? null : check.value,
    status: check.status,
  };
}

/** An SLO window's result: how many intervals ran, and each check as last evaluated. */
export function sloSummary(outcome: VerificationOutcome): VerificationSummary {
  const last = outcome.intervals.at(-1)?.results ?? [
    ...(outcome.state.breach ? [outcome.state.breach] : []),
    ...(outcome.state.unclear ?? []),
  ];
  const count = outcome.state.intervals;
  const head = `${count} SLO interval${count === 1 ? '' : 's'}, ${outcome.status}`;
  return {
    kind: 'slo',
    status: outcome.status,
    intervals: count,
    checks: last.map(verified),
    text: last.length > 0 ? `${head}: ${last.map(describeCheck).join(' · ')}` : `${head}.`,
  };
}

/** No SLO window ran; `why` says so plainly ("PROMETHEUS_URL is not set"). */
export function skippedSummary(why: string): VerificationSummary {
  return {
    kind: 'none',
    status: 'skipped',
    intervals: 0,
    checks: [],
    text: `No SLO window ran: ${why}.`,
  };
}

/** Argo's canary analysis decided (a deploy's canary gets no SLO window of ours). */
export function canarySummary(status: string, text: string): VerificationSummary {
  return { kind: 'canary', status, intervals: 0, checks: [], text };
}
