import type { DrillRunner } from '../../drills/drill-runner.ts';
import type { DrillStore } from '../../drills/drill-store.ts';
import type { Actor, RunEngine } from '../../runs/types.ts';
import { clickActor } from '../actor.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import { DRILL_ABORT_ACTION, DRILL_RETRY_ACTION } from '../render/drill-message.ts';
import { tell } from '../slack-call.ts';

export interface DrillActionDeps {
  runner: DrillRunner;
  store: DrillStore;
  engine: Pick<RunEngine, 'permits' | 'authorize'>;
}

/**
 * Who may stop a drill or retry its restore: its requester, anyone the `drill` policy lets
 * run drills there, or an approver of drills there. Stopping a drill must never wait for
 * the one person who started it.
 */
async function mayAct(
  deps: DrillActionDeps,
  drillId: string,
  actor: Actor,
): Promise<string | undefined> {
  const drill = await deps.store.get(drillId);
  if (!drill) return `Drill \`${drillId}\` is not known here.`;
  if (drill.requester === actor.id) return undefined;
  // The engine decides: someone the drill policy lets run drills there, or who may stop its run.
  const target = drill.plan.faultTarget;
  if ((await deps.engine.permits({ verb: 'drill', target, actor })).ok) return undefined;
  if ((await deps.engine.authorize(drill.faultRun, actor, 'abort')).ok) return undefined;
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
      const refusal = await mayAct(deps, id, clickActor(request));
      if (refusal) return tell(request, refusal);
      const result = await work(id, request.user.id);
      await tell(request, result.message);
    };
  return {
    [DRILL_ABORT_ACTION]: act((id, actor) => deps.runner.abort(id, actor)),
    [DRILL_RETRY_ACTION]: act((id, actor) => deps.runner.retry(id, actor)),
  };
}
