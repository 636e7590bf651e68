import type { ActionPlan } from '../actions/types.ts';
import { orList } from '../domain/policy/format.ts';
import type { Requirements } from '../domain/policy/index.ts';
import type { RunTarget } from '../domain/runs/index.ts';
import { titleVerb } from './run-status.ts';
import type { Finding, FindingStep, Line } from './types.ts';

/** What a dry run shows: the plan computed from live state, and what a real run would need. */
export interface PlanPreview {
  verb: string;
  target: RunTarget;
  requester: string;
  reason?: string | undefined;
  steps: { action: string; reversible: boolean; plan: ActionPlan }[];
  requirements: Requirements;
  /** Why the requester could not ask for it for real, if so. */
  refusal?: string | undefined;
}

/** A plan shown without creating a run: no state, no buttons, what would be needed. */
export function planFinding(preview: PlanPreview): Finding {
  const { target, requirements: req } = preview;
  const title = `${titleVerb(preview.verb)} \`${target.service}\` in \`${target.env}\` (dry run)`;
  const steps: FindingStep[] = preview.steps.map((step, i) => ({
    number: i + 1,
    action: step.action,
    summary: step.plan.summary,
    diff: step.plan.diff,
    warnings: step.plan.warnings ?? [],
    reversible: step.reversible,
    ...(step.plan.affected ? { affected: step.plan.affected } : {}),
  }));
  const needs: Line =
    req.approvals.count > 0
      ? [
          `A real run needs ${req.approvals.count} approval${req.approvals.count === 1 ? '' : 's'} from ${orList(req.approvals.roles)}.`,
        ]
      : ['A real run needs no approval: the requester confirms it.'];
  if (req.reasonRequired && !preview.reason?.trim()) needs.push(' It also needs `--reason`.');
  const notes: Line[] = [needs, ['Nothing was created and nothing changed.']];
  const noop = preview.steps.every((s) => s.plan.noop);
  return {
    summary: `${title.replace(/`/g, '')}: ${steps.map((s) => s.summary).join('; ')}`,
    title,
    status: noop ? 'dry run: nothing to change' : 'dry run',
    fields: [
      { label: 'Requested by', value: [{ user: preview.requester }] },
      { label: 'Reason', value: [preview.reason?.trim() || 'none given'] },
    ],
    steps,
    problems: preview.refusal ? [[preview.refusal]] : [],
    notes,
    buttons: [],
    links: [],
    footer: ['dry run · no run id'],
  };
}
