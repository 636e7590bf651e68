import type { DrillService } from '../../drills/drill-service.ts';
import { clickActor } from '../actor.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import { DRILL_ABORT_ACTION, DRILL_RETRY_ACTION } from '../render/drill-message.ts';
import { tell } from '../slack-call.ts';

export interface DrillActionDeps {
  /** Decides who may stop a drill or retry its restore, and does it. */
  drills: Pick<DrillService, 'abort' | 'retry'>;
}

/** The Abort and Retry restore buttons of a drill message; a button carries the drill id. */
export function createDrillActions(deps: DrillActionDeps): Record<string, ActionHandler> {
  return {
    async [DRILL_ABORT_ACTION](request) {
      const result = await deps.drills.abort(request.value ?? '', clickActor(request));
      await tell(request, result.message);
    },
    async [DRILL_RETRY_ACTION](request) {
      const result = await deps.drills.retry(request.value ?? '', clickActor(request));
      await tell(request, result.message);
    },
  };
}
