import type { App } from '@slack/bolt';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { yieldToAcks } from '../ack-first.ts';
import { type RunCommandDeps, runCommand, verbLabel } from '../commands/run-command.ts';
import { decodeSlackText } from '../decode-slack-text.ts';
import { renderFailure } from '../render/failure.ts';
import { commandKey, DEDUPE_TTL_SECONDS, type RequestDedupe } from '../request-dedupe.ts';
import { observeAck, requestLog } from '../request-log.ts';
import type { PostToResponseUrl } from '../response-url.ts';

export interface CommandListenerDeps extends RunCommandDeps {
  log: Logger;
  metrics: Metrics;
  dedupe: RequestDedupe;
  /** Posts the ephemeral answers to the command's response_url. */
  postToResponseUrl: PostToResponseUrl;
  /** The slash command this app owns. */
  command?: string;
}

/**
 * `/mc …`: ack at once (Slack gives up after 3 s), then drop Slack retries, then parse and
 * dispatch. Every answer is ephemeral through response_url. A failure is logged with context
 * and shown to the user with a correlation id; it never escapes to Bolt.
 */
export function registerCommandListener(app: App, deps: CommandListenerDeps): void {
  const own = deps.command ?? '/mc';
  // Another slash command routed to this app by a manifest mistake: say so instead of letting
  // Bolt time out after 3 s with a 404 the user sees as "failed with the error dispatch_failed".
  app.command(
    new RegExp(`^(?!${own.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$)`),
    async ({ ack, body }) => {
      await ack({
        response_type: 'ephemeral',
        text: `This app answers ${own} only, not ${body.command}.`,
      });
      deps.log.warn({ command: body.command, team: body.team_id }, 'slash command for another app');
    },
  );
  app.command(own, async ({ ack, body, context }) => {
    const startedAt = performance.now();
    await ack();
    observeAck(deps.metrics, 'command', context.mcReceivedAt, startedAt);
    // Let requests that arrived meanwhile be acked before this one's work takes the CPU.
    await yieldToAcks(context.mcAcksPending);
    const { log, correlationId } = requestLog(deps.log, {
      trigger_id: body.trigger_id,
      team: body.team_id,
      user: body.user_id,
      channel: body.channel_id,
    });
    const respond = (message: object) => deps.postToResponseUrl(body.response_url, message);
    try {
      const key = commandKey(body);
      if (key && !(await deps.dedupe.claim(key, DEDUPE_TTL_SECONDS))) {
        deps.metrics.slackRetriesDropped.inc();
        log.info(
          { retry_num: context.retryNum, retry_reason: context.retryReason },
          'retry dropped',
        );
        return;
      }
      const outcome = await runCommand(
        {
          text: decodeSlackText(body.text ?? ''),
          user: { id: body.user_id, name: body.user_name },
          channelId: body.channel_id,
          teamId: body.team_id,
          triggerId: body.trigger_id,
          correlationId,
          log,
          respond: (reply) => respond({ response_type: 'ephemeral', ...reply }),
        },
        deps,
      );
      log.info({ outcome, ms: Math.round(performance.now() - startedAt) }, 'command handled');
    } catch (error) {
      deps.metrics.commandsTotal.inc({
        verb: verbLabel(body.text ?? '', deps.config),
        outcome: 'error',
      });
      log.error({ err: error }, 'command failed');
      await respond({ response_type: 'ephemeral', ...renderFailure(correlationId, error) }).catch(
        (respondError: unknown) => log.error({ err: respondError }, 'could not tell the user'),
      );
    }
  });
}
