import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { type SignatureFailure, verifySlackSignature } from './verify-slack-signature.ts';

/** What a Slack request carries, as far as the edge needs to know before Bolt. */
export type SlackRequestKind = 'command' | 'action' | 'event' | 'ssl_check' | 'url_verification';

export type RejectReason =
  | SignatureFailure
  | 'too_large'
  | 'malformed_body'
  | 'malformed_payload'
  | 'unsupported_media_type';

export type GuardResult =
  | { ok: true; kind: SlackRequestKind; rawBody: Buffer }
  | { ok: false; status: number; reason: RejectReason };

export interface GuardOptions {
  signingSecret: string;
  bodyLimitBytes: number;
  nowMs?: number;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * Checks a POST to the Slack endpoint before Bolt sees it: size (413), signature and replay
 * window (401), then that the body is one of the shapes Slack sends (400). Bolt 5.1 alone
 * answers a form body without command or payload by never acking (404 after 3 s) and counts
 * nothing; this answers at once and says why.
 */
export async function guardSlackRequest(
  req: IncomingMessage,
  options: GuardOptions,
): Promise<GuardResult> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > options.bodyLimitBytes) {
    await readLimited(req, 0, options.bodyLimitBytes * 4);
    return { ok: false, status: 413, reason: 'too_large' };
  }
  const rawBody = await readLimited(req, options.bodyLimitBytes);
  if (!rawBody) return { ok: false, status: 413, reason: 'too_large' };
  const mime = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === FORM && parseQuery(rawBody.toString('utf8')).ssl_check === '1') {
    return { ok: true, kind: 'ssl_check', rawBody };
  }
  const signature = verifySlackSignature(
    options.signingSecret,
    req.headers,
    rawBody,
    options.nowMs,
  );
  if (!signature.ok) return { ok: false, status: 401, reason: signature.reason };
  if (mime === FORM) return classifyForm(rawBody);
  if (mime === JSON_TYPE) return classifyJson(rawBody);
  return { ok: false, status: 415, reason: 'unsupported_media_type' };
}

function classifyForm(rawBody: Buffer): GuardResult {
  const form = parseQuery(rawBody.toString('utf8'));
  if (typeof form.payload === 'string') {
    const payload = parseObject(form.payload);
    if (!payload || typeof payload.type !== 'string') {
      return { ok: false, status: 400, reason: 'malformed_payload' };
    }
    return { ok: true, kind: 'action', rawBody };
  }
  // Slack always sends these with a command; without them there is no one to answer.
  const answerable = typeof form.response_url === 'string' && typeof form.trigger_id === 'string';
  if (typeof form.command === 'string' && form.command.startsWith('/') && answerable) {
    return { ok: true, kind: 'command', rawBody };
  }
  return { ok: false, status: 400, reason: 'malformed_body' };
}

function classifyJson(rawBody: Buffer): GuardResult {
  const body = parseObject(rawBody.toString('utf8'));
  if (body?.type === 'url_verification') return { ok: true, kind: 'url_verification', rawBody };
  if (body?.type === 'event_callback' && body.event && typeof body.event === 'object') {
    return { ok: true, kind: 'event', rawBody };
  }
  return { ok: false, status: 400, reason: 'malformed_body' };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the body; undefined when it grows past the limit. The excess is read and dropped, so
 * the client sees our 413 rather than a reset connection; past `cap` bytes the socket is
 * destroyed, so an endless body cannot hold the server.
 */
async function readLimited(
  req: IncomingMessage,
  limit: number,
  cap = limit * 4,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > cap) {
      req.socket.destroy();
      return undefined;
    }
    if (size <= limit) chunks.push(buf);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
