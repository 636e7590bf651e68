import type { Catalog } from '../../config/schema.ts';
import {
  decodeRunButton,
  RUN_ACTIONS,
  type RunActionName,
  type RunButtonValue,
} from '../../findings/index.ts';
import type { Actor, EngineOutcome, RunEngine } from '../../runs/types.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { clickActor } from '../actor.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import type { SlackReply } from '../render/blocks.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import { guardedCall } from '../slack-call.ts';
import type { SlackWebClient } from '../web-client.ts';
import { whoMayApprove } from './who-may-approve.ts';

export interface RunActionDeps {
  engine: RunEngine;
  client: SlackWebClient;
  catalog: Pick<Catalog, 'roles'>;
  /** Members of a Slack user group, to say who may approve. */
  groupMembers: (groupId: string) => Promise<string[]>;
  log: Logger;
  metrics?: Metrics;
}

type Click = (engine: RunEngine, value: RunButtonValue, actor: Actor) => Promise<EngineOutcome>;

/** What each button asks of the engine; the engine re-reads the run and re-checks everything. */
const CLICKS: Record<RunActionName, Click> = {
  confirm: (engine, v, actor) => engine.confirm(v.runId, actor, v.planHash),
  approve: (engine, v, actor) => engine.approve(v.runId, actor, v.planHash),
  reject: (engine, v, actor) => engine.reject(v.runId, actor),
  cancel: (engine, v, actor) => engine.cancel(v.runId, actor),
  revert: (engine, v, actor) => engine.revert(v.runId, actor),
  resume: (engine, v, actor) => engine.resume(v.runId, actor),
};

/** Refusals where naming the people who may approve is the useful next step. */
const NAME_APPROVERS = new Set(['not_an_approver', 'self_approval']);

/**
 * The run buttons' click handlers, keyed by action id. The edge has acked already; a handler
 * calls the engine with the run id and plan hash the button carries and the clicker. A refusal
 * is told to the clicker alone (chat.postEphemeral) with the engine's reason and, for approval
 * refusals, who may approve; nothing changes. A success needs no reply: the observer edits the
 * run's message. Revert of a run that needs no approval starts at once (its button asked first).
 */
export function createRunActionHandlers(deps: RunActionDeps): Record<string, ActionHandler> {
  const errors = deps.metrics?.runMessageErrors;

  async function tell(request: ActionRequest, reply: SlackReply): Promise<void> {
    if (request.channelId) {
      const channel = request.channelId;
      const sent = await guardedCall(
        { method: 'chat.postEphemeral', log: request.log, errors },
        () =>
          deps.client.chat.postEphemeral({
            channel,
            user: request.user.id,
            text: reply.text,
            blocks: reply.blocks,
          }),
      );
      if (sent.ok) return;
    }
    await request.respond(reply);
  }

  async function refuse(request: ActionRequest, outcome: EngineOutcome & { ok: false }) {
    request.log.info({ code: outcome.code, run: outcome.view?.run.id }, 'run click refused');
    const roles = outcome.view?.requirements.approvals.roles ?? [];
    const requester = outcome.view?.requirements.selfApproval
      ? undefined
      : outcome.view?.run.requester;
    const approvers = NAME_APPROVERS.has(outcome.code)
      ? await whoMayApprove(roles, deps.catalog, deps.groupMembers, requester)
      : undefined;
    await tell(
      request,
      renderRunRefusal({
        message: outcome.message,
        ...(approvers ? { approvers } : {}),
        correlationId: request.correlationId,
      }),
    );
  }

  function handler(name: RunActionName): ActionHandler {
    return async (request) => {
      const value = decodeRunButton(request.value);
      if (!value) {
        request.log.warn({ value: request.value }, 'run button without a run id');
        const message = 'This button does not name a run mc knows; nothing was done.';
        await tell(request, renderRunRefusal({ message, correlationId: request.correlationId }));
        return;
      }
      const actor: Actor = clickActor(request);
      let outcome = await CLICKS[name](deps.engine, value, actor);
      if (outcome.ok && name === 'revert') {
        const { run } = outcome.view;
        if (outcome.view.waitingFor === 'confirm' && run.requester === actor.id) {
          outcome = await deps.engine.confirm(run.id, actor, run.planHash);
        }
      }
      if (!outcome.ok) return refuse(request, outcome);
      request.log.info(
        { run: outcome.view.run.id, state: outcome.view.run.state, click: name },
        'run click accepted',
      );
    };
  }

  const names = Object.keys(RUN_ACTIONS) as RunActionName[];
  return Object.fromEntries(names.map((name) => [RUN_ACTIONS[name], handler(name)]));
}
