import type { RunState, RunStepState } from '../domain/runs/index.ts';

/**
 * A piece of a line a person reads: plain text (backticks mark code), a person by their chat
 * user id, a moment (shown in the reader's own time zone), or a link. Renderers decide how.
 */
export type Inline =
  | string
  | { user: string }
  | { group: string }
  | { time: Date }
  | { link: string; text: string };

/** One line of a finding, as pieces. */
export type Line = Inline[];

/** A question a chat client asks before a button acts (irreversible steps, reverts). */
export interface ButtonConfirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

/** A button: `value` names the run and the plan it was shown for, never the parameters. */
export interface FindingButton {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ButtonConfirm;
}

/** A labelled value: "Requested by", "Approvals", "Expires". */
export interface FindingField {
  label: string;
  value: Line;
}

/** One step of a plan, with its diff and, once the run started, how it went. */
export interface FindingStep {
  /** 1-based, as people count. */
  number: number;
  action: string;
  summary: string;
  diff: string[];
  affected?: string;
  warnings: string[];
  reversible: boolean;
  /** Absent while the run has not started. */
  state?: RunStepState;
  error?: string;
}

/** The neutral message about a run (or a dry-run plan) that a chat renderer turns into blocks. */
export interface Finding {
  /** One plain sentence for notifications and clients that cannot show blocks. */
  summary: string;
  title: string;
  /** Absent for a dry run (nothing exists yet). */
  state?: RunState;
  /** `waiting for approval`, `succeeded`: the state in words. */
  status: string;
  fields: FindingField[];
  steps: FindingStep[];
  /** Latest verify() progress while executing. */
  progress?: string;
  /** What went wrong, worded for a person. */
  problems: Line[];
  /** What to do next, or what else is worth knowing. */
  notes: Line[];
  buttons: FindingButton[];
  links: { text: string; url: string }[];
  /** Small print: run id, plan hash. */
  footer: Line;
}
