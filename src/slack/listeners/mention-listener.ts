import type { App } from '@slack/bolt';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { DEDUPE_TTL_SECONDS, eventKey, type RequestDedupe } from '../request-dedupe.ts';
import { observeAck, requestLog } from '../request-log.ts';

export interface MentionListenerDeps {
  log: Logger;
  metrics: Metrics;
  dedupe: RequestDedupe;
}

/** `@mc …` in a channel: Bolt acks events itself; we answer in the thread with a pointer to help. */
export function registerMentionListener(app: App, deps: MentionListenerDeps): void {
  app.event('app_mention', async ({ event, body, say, context }) => {
    const startedAt = performance.now();
    observeAck(deps.metrics, 'event', context.mcReceivedAt, startedAt);
    const { log } = requestLog(deps.log, {
      event_id: body.event_id,
      team: body.team_id,
      user: event.user,
      channel: event.channel,
    });
    const key = eventKey(body.event_id, event);
    if (key && !(await deps.dedupe.claim(key, DEDUPE_TTL_SECONDS))) {
      deps.metrics.slackRetriesDropped.inc();
      log.info({ retry_num: context.retryNum, retry_reason: context.retryReason }, 'retry dropped');
      return;
    }
    const who = event.user ? `<@${event.user}> ` : '';
    try {
      await say({
        text: `${who}I work through slash commands. Type \`/mc help\` to see what I can do.`,
        thread_ts: event.thread_ts ?? event.ts,
      });
      log.info('mention answered');
    } catch (error) {
      // Nobody to tell but the log: the answer itself is what failed.
      log.error({ err: error }, 'could not answer a mention');
    }
  });
}
