import type { Confirm } from '../playbooks/schema.ts';

/**
 * A playbook's `confirm` condition as measured for one incident: `holds` (its diagnosis is
 * confirmed), `fails` (the suggestion is demoted) or `unverified` (Prometheus could not say:
 * never offered as confirmed).
 */
export interface ConditionCheck {
  status: 'holds' | 'fails' | 'unverified';
  /** `5xx ratio is 0.0004, not > 0.01`; `5xx ratio unverified: Prometheus is not configured`. */
  text: string;
  value?: number;
  checkedAt: string;
}

/** What Prometheus answered: a value that holds or not, or why there is none. */
export type Measured =
  | { status: 'passed' | 'failed'; value: number }
  | { status: 'inconclusive'; reason: string; value?: number };

/** A value as people read it: 4 significant digits. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return String(Number(value.toPrecision(4)));
}

/** The check of `confirm` from what was measured, worded for the triage message. */
export function describeCheck(confirm: Confirm, measured: Measured, at: Date): ConditionCheck {
  const name = confirm.name ?? 'the condition value';
  const wanted = `${confirm.comparison} ${confirm.threshold}`;
  const checkedAt = at.toISOString();
  if (measured.status === 'inconclusive') {
    return {
      status: 'unverified',
      text: `${name} not measured: ${measured.reason}`,
      ...(measured.value === undefined ? {} : { value: measured.value }),
      checkedAt,
    };
  }
  const value = formatValue(measured.value);
  return measured.status === 'passed'
    ? { status: 'holds', text: `${name} is ${value} (${wanted})`, value: measured.value, checkedAt }
    : {
        status: 'fails',
        text: `${name} is ${value}, not ${wanted}`,
        value: measured.value,
        checkedAt,
      };
}
