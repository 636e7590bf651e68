import { createHmac, randomBytes } from 'node:crypto';

/** The two headers Slack adds to every request it sends to an app. */
export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** Signs a raw body exactly as Slack does: v0=hex(HMAC-SHA256(secret, "v0:<ts>:<body>")). */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${rawBody}`)
    .digest('hex');
  return {
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': `v0=${digest}`,
  };
}

/** How to tamper with (or retry) a signed request, for tests of the bot's defences. */
export interface SendOptions {
  signingSecret: string;
  /** Sets x-slack-retry-num (and x-slack-retry-reason, default http_timeout). */
  retryNum?: number;
  retryReason?: string;
  /** Seconds to subtract from now for the timestamp (e.g. 600 for a stale request). */
  ageSeconds?: number;
  /** Sign with a wrong secret. */
  badSignature?: boolean;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/** What came back from the bot. */
export interface SendResult {
  status: number;
  body: string;
  /** Milliseconds from sending to the end of the response: what Slack waits for. */
  elapsedMs: number;
}

/** POSTs a raw body to the bot with Slack's headers, tampered as options say. */
export async function postSigned(
  url: string,
  rawBody: string,
  contentType: string,
  options: SendOptions,
): Promise<SendResult> {
  const timestamp = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
  const secret = options.badSignature ? `${options.signingSecret}-wrong` : options.signingSecret;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...(options.unsigned ? {} : signSlackRequest(secret, rawBody, timestamp)),
    ...(options.retryNum !== undefined
      ? {
          'x-slack-retry-num': String(options.retryNum),
          'x-slack-retry-reason': options.retryReason ?? 'http_timeout',
        }
      : {}),
    ...options.headers,
  };
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await response.text();
  return { status: response.status, body, elapsedMs: performance.now() - started };
}

/** The fields Slack puts in a slash command request. */
export interface SlashCommandFields {
  text: string;
  command?: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  triggerId?: string;
  responseUrl: string;
  apiAppId?: string;
}

/** A trigger id shaped like Slack's. */
export function newTriggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
}

/** Builds the form body of a slash command as Slack sends it. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0EMULATE',
    team_domain: fields.teamDomain ?? 'emulated',
    channel_id: fields.channelId ?? 'C0OPS',
    channel_name: fields.channelName ?? 'ops',
    user_id: fields.userId ?? 'U0ALICE',
    user_name: fields.userName ?? 'alice',
    command: fields.command ?? '/mc',
    text: fields.text,
    api_app_id: fields.apiAppId ?? 'A0EMULATE',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? newTriggerId(),
  }).toString();
}

/** Signs and POSTs a slash command to the bot's events URL. */
export function sendSlashCommand(
  botUrl: string,
  fields: SlashCommandFields,
  options: SendOptions,
): Promise<SendResult> {
  return postSigned(botUrl, slashCommandBody(fields), 'application/x-www-form-urlencoded', options);
}

/** One button click, as the fields of a block_actions payload. */
export interface BlockActionFields {
  actionId: string;
  value?: string;
  blockId?: string;
  userId?: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  messageTs?: string;
  actionTs?: string;
  triggerId?: string;
  responseUrl?: string;
  apiAppId?: string;
}

/** Builds a block_actions payload object shaped like Slack's. */
export function blockActionsPayload(fields: BlockActionFields): Record<string, unknown> {
  const teamId = fields.teamId ?? 'T0EMULATE';
  const channelId = fields.channelId ?? 'C0OPS';
  const messageTs = fields.messageTs ?? '1700000000.000100';
  return {
    type: 'block_actions',
    user: { id: fields.userId ?? 'U0ALICE', username: fields.userName ?? 'alice', team_id: teamId },
    api_app_id: fields.apiAppId ?? 'A0EMULATE',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: false,
    },
    trigger_id: fields.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: 'emulated' },
    channel: { id: channelId, name: 'ops' },
    message: { type: 'message', ts: messageTs, text: 'message with buttons', blocks: [] },
    ...(fields.responseUrl ? { response_url: fields.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: fields.blockId ?? 'actions',
        text: { type: 'plain_text', text: 'Button' },
        value: fields.value ?? '',
        action_ts: fields.actionTs ?? `${(Date.now() / 1000).toFixed(6)}`,
      },
    ],
  };
}

/** Signs and POSTs a block_actions interaction (form field `payload=<json>`). */
export function sendBlockAction(
  botUrl: string,
  fields: BlockActionFields,
  options: SendOptions,
): Promise<SendResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(fields)) });
  return postSigned(botUrl, body.toString(), 'application/x-www-form-urlencoded', options);
}

/** Signs and POSTs an Events API callback (JSON) wrapping the given event. */
export function sendEvent(
  botUrl: string,
  event: Record<string, unknown>,
  options: SendOptions & { eventId?: string; teamId?: string },
): Promise<SendResult> {
  const teamId = options.teamId ?? 'T0EMULATE';
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0EMULATE',
    event,
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'U0MCBOT', is_bot: true }],
  });
  return postSigned(botUrl, body, 'application/json', options);
}
