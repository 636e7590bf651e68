import { webApi } from '@slack/bolt';
import type { Logger } from '../telemetry/logger.ts';
import { boltLogger } from './bolt-logger.ts';

export type SlackWebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackClientOptions {
  botToken: string;
  /** Web API base URL ending in /api/; defaults to Slack's. */
  slackApiUrl?: string;
  /** Retries after a failure or a 429 (the client waits Retry-After). Tests pass 0. */
  retries?: number;
  /** Fail fast on 429 instead of waiting Retry-After. */
  rejectRateLimitedCalls?: boolean;
  timeoutMs?: number;
  log: Logger;
}

/** Web API client options shared by the Bolt app and standalone clients. */
export function slackClientOptions(options: Omit<SlackClientOptions, 'botToken'>) {
  return {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.retries !== undefined
      ? { retryConfig: { retries: options.retries, factor: 1, minTimeout: 10, maxTimeout: 50 } }
      : {}),
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    timeout: options.timeoutMs ?? 10_000,
    logger: boltLogger(options.log),
  };
}

/** A Web API client for posting outside a Slack request (webhooks, run updates). */
export function createSlackClient(options: SlackClientOptions): SlackWebClient {
  const { botToken, ...rest } = options;
  return new webApi.WebClient(botToken, slackClientOptions(rest));
}
