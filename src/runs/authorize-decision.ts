import { orList } from '../domain/policy/format.ts';
import { wrongPlace } from './check-origin.ts';
import { rolesOf } from './check-requester.ts';
import type { EngineCore } from './engine-core.ts';
import type { Actor, RunDecision, RunView } from './types.ts';

/**
 * Who may take a decision on a run in flight, from the policy stored on the run (the
 * effective one it was requested under):
 * - `promote` widens the change, so it needs what approving the run needs: an approver role,
 *   and not the requester unless self-approval is allowed (or nobody had to approve);
 * - `abort` and `rollback` narrow it: the requester, or anyone who may approve it;
 * - `continue` keeps a paused verification going: the requester, or an approver.
 */
export async function authorizeDecision(
  core: EngineCore,
  runId: string,
  actor: Actor,
  decision: RunDecision,
): Promise<{ ok: true; view: RunView } | { ok: false; message: string }> {
  const view = await core.view(runId);
  if (!view) return { ok: false, message: `There is no run ${runId}.` };
  const { run, requirements: r } = view;
  const place = wrongPlace(view, actor);
  if (place) return { ok: false, message: place };
  const isRequester = actor.id === run.requester;
  const noApproval = r.approvals.count === 0;
  if (isRequester && (decision !== 'promote' || noApproval || r.selfApproval)) {
    return { ok: true, view };
  }
  const { roles, lookupError } = await rolesOf(core, actor.id);
  const approver = r.approvals.roles.some((role) => roles.has(role));
  const what =
    decision === 'promote' || decision === 'abort' ? `run ${run.id}'s canary` : `run ${run.id}`;
  const env = `\`${run.target.env}\``;
  if (approver && !(isRequester && decision === 'promote')) return { ok: true, view };
  if (approver) {
    return {
      ok: false,
      message: `You asked for run ${run.id}: in ${env} someone else (${orList(r.approvals.roles)}) must promote its canary.`,
    };
  }
  if (decision === 'promote' && !noApproval) {
    return {
      ok: false,
      message:
        lookupError ?? `Promoting ${what} in ${env} needs one of ${orList(r.approvals.roles)}.`,
    };
  }
  if (decision === 'continue' || decision === 'rollback') {
    const or = r.approvals.roles.length > 0 ? ` (or ${orList(r.approvals.roles)})` : '';
    return {
      ok: false,
      message:
        lookupError ??
        `Only <@${run.requester}>, who asked for run ${run.id}${or}, decides whether its verification continues.`,
    };
  }
  const who =
    r.approvals.roles.length > 0
      ? `<@${run.requester}> or ${orList(r.approvals.roles)}`
      : `<@${run.requester}>`;
  return { ok: false, message: lookupError ?? `Only ${who} may ${decision} ${what}.` };
}
