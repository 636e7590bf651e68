import { orList } from '../domain/policy/format.ts';
import type { Approval } from '../domain/policy/index.ts';
import type { RunView } from '../runs/types.ts';
import { mentionLine } from './mention-line.ts';
import { RUN_ACTIONS } from './run-actions.ts';
import { runButtons } from './run-buttons.ts';
import { runStatus, runTitle } from './run-status.ts';
import type { Finding, FindingField, FindingStep, Line } from './types.ts';

const NOT_STARTED = new Set([
  'planned',
  'awaiting_approval',
  'approved',
  'rejected',
  'expired',
  'cancelled',
]);
const WAITING = new Set(['planned', 'awaiting_approval', 'approved']);
const TROUBLED = new Set(['failed', 'reverting', 'reverted', 'interrupted']);

/** "1 of 2 (sre-lead, release-manager) · approved by @a (sre-lead)", with expired ones named. */
function approvalsLine(view: RunView): Line {
  const { tally, requirements, run } = view;
  if (requirements.approvals.count === 0) {
    return [`not needed: `, { user: run.requester }, ' confirms'];
  }
  const line: Line = [tally.summary];
  const list = (label: string, approvals: Approval[]) => {
    if (approvals.length === 0) return;
    line.push(` · ${label} `);
    approvals.forEach((a, i) => {
      line.push(...(i > 0 ? [', '] : []), { user: a.userId }, ` (${a.role})`);
    });
  };
  list('approved by', tally.valid);
  list('expired:', tally.expired);
  list('for an older plan:', tally.stale);
  return line;
}

/** What a run's message knows beyond its view. */
export interface RunFindingOptions {
  /** The revert run that undid this run: no more Revert button. */
  revertedBy?: string;
  /**
   * Who holds a role that may approve (the requester left out where they may not approve
   * their own run): named on a run that waits for approval.
   */
  approvers?: { users: string[]; groups: string[] };
}

function fields(view: RunView, now: Date, options: RunFindingOptions): FindingField[] {
  const { run } = view;
  const out: FindingField[] = [
    { label: 'Requested by', value: [{ user: run.requester }] },
    { label: 'Reason', value: [run.reason ?? 'none given'] },
    { label: 'Approvals', value: approvalsLine(view) },
  ];
  if (WAITING.has(run.state)) out.push({ label: 'Expires', value: [{ time: run.expiresAt }] });
  const open = view.revertUntil && view.revertUntil.getTime() > now.getTime();
  if (view.revertUntil && open && !options.revertedBy) {
    out.push({ label: 'Revert possible until', value: [{ time: view.revertUntil }] });
  }
  return out;
}

function steps(view: RunView): FindingStep[] {
  const started = !NOT_STARTED.has(view.run.state);
  return view.run.steps.map((step) => {
    const plan = view.plans?.[step.index];
    const out: FindingStep = {
      number: step.index + 1,
      action: step.action,
      summary: plan?.summary ?? step.plan,
      diff: plan?.diff ?? [],
      warnings: plan?.warnings ?? [],
      reversible: step.reversible,
    };
    if (plan?.affected) out.affected = plan.affected;
    if (started) out.state = step.state;
    if (step.error) out.error = step.error;
    return out;
  });
}

function notes(view: RunView, now: Date, options: RunFindingOptions): Line[] {
  const { run, requirements, tally } = view;
  const out: Line[] = [];
  if (run.revertOf) out.push([`This run undoes run ${run.revertOf}.`]);
  if (options.revertedBy) out.push([`Undone by run ${options.revertedBy}.`]);
  if (view.waitingFor === 'confirm') {
    out.push(['Nothing changes until ', { user: run.requester }, ' clicks Confirm.']);
  }
  if (view.waitingFor === 'approval') {
    const more = `${tally.needed} more approval${tally.needed === 1 ? '' : 's'}`;
    const line: Line = [`Needs ${more} from ${orList(requirements.approvals.roles)}.`];
    if (!requirements.selfApproval) {
      line.push(' ', { user: run.requester }, ' asked for it and cannot approve it.');
    }
    out.push(line);
    const who = options.approvers;
    if (who && who.users.length + who.groups.length > 0) {
      const names: Line[] = [
        ...who.users.map((user): Line => [{ user }]),
        ...who.groups.map((group): Line => [{ group }]),
      ];
      out.push(['Who may approve: ', ...names.flatMap((n, i) => (i > 0 ? [', ', ...n] : n))]);
    }
  }
  if (run.state === 'interrupted') {
    const doing = view.interruptedFrom === 'reverting' ? 'reverting' : 'executing';
    out.push([
      `mc stopped while this run was ${doing}. `,
      doing === 'reverting'
        ? 'Continue revert finishes undoing it.'
        : 'Resume continues from the first unfinished step; Revert undoes the steps that ran.',
    ]);
  }
  if (
    view.revertUntil &&
    view.revertUntil.getTime() <= now.getTime() &&
    run.state === 'succeeded'
  ) {
    out.push(['The revert window has closed; start a new run to change it again.']);
  }
  if (view.verification) out.push([`Verification: ${view.verification.text}`]);
  if (run.error && !TROUBLED.has(run.state)) out.push(mentionLine(run.error));
  return out;
}

/**
 * The neutral message of a run as it stands: title, state, who asked and why, approvals and
 * who gave them, expiry, each step with its diff (and state once started), progress,
 * problems, the buttons its state offers, the evidence link.
 */
export function runFinding(view: RunView, now: Date, options: RunFindingOptions = {}): Finding {
  const { run } = view;
  const status = runStatus(view);
  const title = runTitle(view);
  const finding: Finding = {
    summary: `${title.replace(/`/g, '')}: ${status}${view.waitingFor === 'approval' ? ` (${view.tally.summary})` : ''}.`,
    title,
    state: run.state,
    status,
    fields: fields(view, now, options),
    steps: steps(view),
    problems: run.error && TROUBLED.has(run.state) ? [mentionLine(run.error)] : [],
    notes: notes(view, now, options),
    buttons: runButtons(view, now).filter(
      (b) => !(options.revertedBy && b.actionId === RUN_ACTIONS.revert),
    ),
    links: view.evidenceUrl ? [{ text: 'Evidence', url: view.evidenceUrl }] : [],
    footer: [`run ${run.id} · plan ${run.planHash.slice(0, 12)}`],
  };
  if (view.progress) finding.progress = view.progress;
  return finding;
}
