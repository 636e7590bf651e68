import type { Catalog, CommandSpec } from '../../config/schema.ts';
import { mayRequest, type RoleDirectory, requirementsFor } from '../../domain/policy/index.ts';
import type { DrillRunner } from '../../drills/drill-runner.ts';
import type { DrillStore } from '../../drills/drill-store.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import { reply, section } from '../render/blocks.ts';
import { DRILL_ABORT_ACTION, DRILL_RETRY_ACTION } from '../render/drill-message.ts';

export interface DrillActionDeps {
  runner: DrillRunner;
  store: DrillStore;
  roles: RoleDirectory;
  spec: CommandSpec | undefined;
  catalog: Catalog;
}

const tell = (request: ActionRequest, text: string) =>
  request.respond(reply(text, [section(text)]));

/**
 * Who may stop a drill or retry its restore: its requester, anyone the `drill` policy lets
 * run drills there, or an approver of drills there. Stopping a drill must never wait for
 * the one person who started it.
 */
async function mayAct(
  deps: DrillActionDeps,
  drillId: string,
  userId: string,
): Promise<string | undefined> {
  const drill = await deps.store.get(drillId);
  if (!drill) return `Drill \`${drillId}\` is not known here.`;
  if (drill.requester === userId || !deps.spec) return undefined;
  const roles = await deps.roles.rolesOf(userId).catch(() => new Set<string>());
  if (mayRequest({ spec: deps.spec, env: drill.env, roles }).ok) return undefined;
  const approvers = requirementsFor({ spec: deps.spec, env: drill.env, catalog: deps.catalog })
    .approvals.roles;
  if (approvers.some((role) => roles.has(role))) return undefined;
  return `Only <@${drill.requester}>, who started drill \`${drillId}\`, or someone who may run or approve drills in \`${drill.env}\` can do that.`;
}

/** The Abort and Retry restore buttons of a drill message; a button carries the drill id. */
export function createDrillActions(deps: DrillActionDeps): Record<string, ActionHandler> {
  const act =
    (
      work: (id: string, actor: string) => Promise<{ ok: boolean; message: string }>,
    ): ActionHandler =>
    async (request) => {
      const id = request.value ?? '';
      const refusal = await mayAct(deps, id, request.user.id);
      if (refusal) return tell(request, refusal);
      const result = await work(id, request.user.id);
      await tell(request, result.message);
    };
  return {
    [DRILL_ABORT_ACTION]: act((id, actor) => deps.runner.abort(id, actor)),
    [DRILL_RETRY_ACTION]: act((id, actor) => deps.runner.retry(id, actor)),
  };
}
