import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../telemetry/logger.ts';
import { createSlackClient } from './web-client.ts';

/** Where the bot stands with Slack: /readyz shows it, the start-up log explains it. */
export interface SlackAuthState {
  status: 'checking' | 'ok' | 'bad_token' | 'unreachable';
  detail: string;
}

export interface SlackAuthDeps {
  botToken: string;
  slackApiUrl?: string;
  log: Logger;
  /** Known bot ids: the token is not checked (emulators, tests). */
  knownIds: boolean;
  /** Runs once Slack answered: Bolt's own init (and Socket Mode's connect). */
  onReachable: () => Promise<void>;
  /** First wait between attempts while Slack is unreachable; doubles up to 60 s. */
  retryMs?: number;
}

// Errors auth.test returns for a token Slack will never accept as it is.
const BAD_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
]);

function classify(error: unknown): SlackAuthState {
  const e = error as { code?: string; data?: { error?: string }; message?: string };
  const slackError = e.data?.error;
  if (e.code === 'slack_webapi_platform_error' && slackError && BAD_TOKEN.has(slackError)) {
    return {
      status: 'bad_token',
      detail: `Slack refused SLACK_BOT_TOKEN (${slackError}): install the app again or copy the Bot User OAuth Token`,
    };
  }
  const cause = (error as { original?: { message?: string } }).original?.message;
  return {
    status: 'unreachable',
    detail: `cannot reach Slack: ${slackError ?? cause ?? e.message ?? String(error)}`,
  };
}

/**
 * Checks the bot token with auth.test in the background, so the HTTP server (and /healthz)
 * never waits on Slack. A refused token is final; an unreachable Slack is retried with backoff.
 * Each failure is an error-level log line saying which of the two it is.
 */
export function createSlackAuth(deps: SlackAuthDeps) {
  let state: SlackAuthState = deps.knownIds
    ? { status: 'checking', detail: 'bot ids configured; connecting' }
    : { status: 'checking', detail: 'auth.test not answered yet' };
  const stopped = new AbortController();
  const client = createSlackClient({
    botToken: deps.botToken,
    ...(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {}),
    retries: 0,
    rejectRateLimitedCalls: true,
    timeoutMs: 10_000,
    log: deps.log,
  });
  const where = deps.slackApiUrl ?? 'https://slack.com/api/';

  async function attempt(): Promise<boolean> {
    try {
      let who = 'bot ids configured';
      if (!deps.knownIds) {
        const result = await client.auth.test();
        who = `bot ${result.user_id} in ${result.team ?? result.team_id}`;
      }
      await deps.onReachable();
      state = { status: 'ok', detail: `ok (${who})` };
      deps.log.info({ slack: state.detail }, 'slack connected');
      return true;
    } catch (error) {
      state = classify(error);
      deps.log.error(
        { slack: state.status, slackApiUrl: where, reason: state.detail },
        state.status === 'bad_token' ? 'slack rejected the bot token' : 'slack is unreachable',
      );
      return state.status === 'bad_token';
    }
  }

  async function loop(first: Promise<boolean>): Promise<void> {
    let wait = deps.retryMs ?? 2_000;
    if (await first) return;
    while (!stopped.signal.aborted) {
      try {
        await delay(wait, undefined, { signal: stopped.signal, ref: false });
      } catch {
        return;
      }
      wait = Math.min(wait * 2, 60_000);
      if (stopped.signal.aborted || (await attempt())) return;
    }
  }

  let running: Promise<void> | undefined;
  return {
    state: () => state,
    /**
     * Starts checking; resolves after the first attempt, whatever it found (at most the
     * client timeout). Retries go on in the background.
     */
    async start(): Promise<void> {
      if (running) return;
      const first = attempt();
      running = loop(first);
      await first;
    },
    /** Stops retrying and waits for an attempt in flight. */
    async stop(): Promise<void> {
      stopped.abort();
      await running;
    },
  };
}

export type SlackAuth = ReturnType<typeof createSlackAuth>;
