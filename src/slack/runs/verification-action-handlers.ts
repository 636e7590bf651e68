import type { Verification } from '../../deploys/verification.ts';
import { decodeRunButton } from '../../findings/index.ts';
import { VERIFY_ACTIONS, type VerifyActionName } from '../../findings/verification-buttons.ts';
import type { RunEngine } from '../../runs/types.ts';
import { clickActor } from '../actor.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import { guardedCall } from '../slack-call.ts';
import type { SlackWebClient } from '../web-client.ts';

export interface VerificationActionDeps {
  verification: Pick<Verification, 'decide'>;
  /** Authorizes each decision (policy, team, channel); resumes a paused run whose process died. */
  engine: Pick<RunEngine, 'resume' | 'authorize' | 'get'>;
  client: SlackWebClient;
}

/**
 * Continue / Roll back on a run whose verification paused (only its requester decides) and
 * Promote / Abort on a canary, each authorized by the engine first; a refusal goes to the
 * clicker alone. Success needs no reply: the run's message moves on.
 */
export function createVerificationActionHandlers(
  deps: VerificationActionDeps,
): Record<string, ActionHandler> {
  async function refuse(request: ActionRequest, message: string): Promise<void> {
    const reply = renderRunRefusal({ message, correlationId: request.correlationId });
    const channel = request.channelId;
    if (channel) {
      const sent = await guardedCall(
        { method: 'chat.postEphemeral', log: request.log, errors: undefined },
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

  function handler(name: VerifyActionName): ActionHandler {
    return async (request) => {
      const value = decodeRunButton(request.value);
      if (!value) return refuse(request, 'This button does not name a run mc knows.');
      const actor = clickActor(request);
      const allowed = await deps.engine.authorize(value.runId, actor, name);
      if (!allowed.ok) return refuse(request, allowed.message);
      const decided = await deps.verification.decide(value.runId, actor, name);
      if (!decided.ok) return refuse(request, decided.message);
      // Resumed only when interrupted: a window running on another replica reads the decision.
      if (decided.resume && (await deps.engine.get(value.runId))?.run.state === 'interrupted') {
        const resumed = await deps.engine.resume(value.runId, actor);
        if (!resumed.ok) return refuse(request, resumed.message);
      }
      request.log.info({ run: value.runId, decision: name }, 'verification decision');
    };
  }

  return {
    [VERIFY_ACTIONS.continue]: handler('continue'),
    [VERIFY_ACTIONS.rollback]: handler('rollback'),
    [VERIFY_ACTIONS.promote]: handler('promote'),
    [VERIFY_ACTIONS.abort]: handler('abort'),
  };
}
