import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { yieldToAcks } from '../ack-first.ts';
import { context, reply, type SlackReply, section } from '../render/blocks.ts';
import { renderFailure } from '../render/failure.ts';
import { actionKey, DEDUPE_TTL_SECONDS, type RequestDedupe } from '../request-dedupe.ts';
import { observeAck, requestLog } from '../request-log.ts';
import type { PostToResponseUrl } from '../response-url.ts';

/** One button click, transport-neutral: a button carries an id (a run id), never parameters. */
export interface ActionRequest {
  actionId: string;
  value: string | undefined;
  user: { id: string; name: string | undefined };
  /** The clicker's Slack team (from `user.team_id`, else the payload's team). */
  teamId: string | undefined;
  channelId: string | undefined;
  messageTs: string | undefined;
  triggerId: string;
  correlationId: string;
  log: Logger;
  /** Answers the clicker only (ephemeral); replaceOriginal rewrites the clicked message. */
  respond(reply: SlackReply & { replaceOriginal?: boolean }): Promise<void>;
}

/** Handles clicks of one action_id. */
export type ActionHandler = (request: ActionRequest) => Promise<void>;

export interface ActionListenerDeps {
  log: Logger;
  metrics: Metrics;
  dedupe: RequestDedupe;
  postToResponseUrl: PostToResponseUrl;
  /** Handlers by action_id; a click on anything else is answered as not active yet. */
  actionHandlers?: Record<string, ActionHandler>;
}

/** Every block_actions click: ack first, drop retries, then dispatch by action_id. */
export function registerActionListener(app: App, deps: ActionListenerDeps): void {
  app.action<BlockAction<BlockElementAction>>(
    { type: 'block_actions' },
    async ({ ack, body, action, client, context: ctx }) => {
      const startedAt = performance.now();
      await ack();
      observeAck(deps.metrics, 'action', ctx.mcReceivedAt, startedAt);
      await yieldToAcks(ctx.mcAcksPending);
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      const { log, correlationId } = requestLog(deps.log, {
        trigger_id: body.trigger_id,
        team: body.team?.id ?? body.user.team_id,
        user: body.user.id,
        action_id: action.action_id,
        block_id: action.block_id,
        message_ts: messageTs,
      });
      const channel = body.channel?.id ?? body.container?.channel_id;
      const tell = async (message: SlackReply & { replaceOriginal?: boolean }) => {
        const { replaceOriginal, ...rest } = message;
        if (body.response_url) {
          await deps.postToResponseUrl(body.response_url, {
            response_type: 'ephemeral',
            replace_original: replaceOriginal ?? false,
            ...rest,
          });
        } else if (channel) {
          // Buttons outside messages (modals, App Home) carry no response_url.
          await client.chat.postEphemeral({ channel, user: body.user.id, ...rest });
        } else {
          throw new Error('click carries neither a response_url nor a channel to answer in');
        }
      };
      try {
        const key = actionKey({
          messageTs,
          actionId: action.action_id,
          actionTs: action.action_ts,
          userId: body.user.id,
        });
        if (!(await deps.dedupe.claim(key, DEDUPE_TTL_SECONDS))) {
          deps.metrics.slackRetriesDropped.inc();
          log.info({ retry_num: ctx.retryNum, retry_reason: ctx.retryReason }, 'retry dropped');
          return;
        }
        const handler = ownHandler(deps.actionHandlers, action.action_id);
        const request: ActionRequest = {
          actionId: action.action_id,
          value: 'value' in action && typeof action.value === 'string' ? action.value : undefined,
          user: { id: body.user.id, name: body.user.username ?? body.user.name },
          teamId: body.user.team_id ?? body.team?.id,
          channelId: channel,
          messageTs,
          triggerId: body.trigger_id,
          correlationId,
          log,
          respond: tell,
        };
        if (handler) await handler(request);
        else await notActive(request);
        log.info('action handled');
      } catch (error) {
        log.error({ err: error }, 'action failed');
        await tell(renderFailure(correlationId, error)).catch((respondError: unknown) =>
          log.error({ err: respondError }, 'could not tell the user'),
        );
      }
    },
  );
}

// Own properties only: an action_id like `__proto__` or `constructor` must find no handler,
// not a member of Object.prototype. (The record stays live: features add handlers to it.)
function ownHandler(
  handlers: Record<string, ActionHandler> | undefined,
  actionId: string,
): ActionHandler | undefined {
  return handlers && Object.hasOwn(handlers, actionId) ? handlers[actionId] : undefined;
}

async function notActive(request: ActionRequest): Promise<void> {
  request.log.warn('click on a button without a handler');
  await request.respond(
    reply('This button is not active in this release; nothing was done.', [
      section('This button is not active in this release; nothing was done.'),
      context(`ref \`${request.correlationId}\``),
    ]),
  );
}
