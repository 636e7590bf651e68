import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateMessage } from './block-kit/validate-payload.ts';
import { type EmulatorState, takeFault } from './emulator-state.ts';
import type { CallArgs, EmulatorIdentity, RecordedCall } from './emulator-types.ts';
import { FILE_METHODS, handleFileUpload, noteBaseUrl, serveFile } from './file-uploads.ts';
import { parseApiBody, readRawBody } from './read-body.ts';
import { WEB_API_METHODS } from './web-api-methods.ts';

/** What the request handler needs to know about the emulator it serves. */
export interface HandlerContext {
  botToken: string;
  appToken: string;
  identity: EmulatorIdentity;
  /** Where Socket Mode clients connect (apps.connections.open answers it). */
  socketUrl: string;
}

// Methods called with the app-level token (xapp-) rather than the bot token.
const APP_TOKEN_METHODS: Record<string, (ctx: HandlerContext) => Record<string, unknown>> = {
  'apps.connections.open': (ctx) => ({ ok: true, url: ctx.socketUrl }),
};

/** Serves one request: a Web API method under /api/, or a response_url post under /response/. */
export async function handleEmulatorRequest(
  state: EmulatorState,
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const raw = await readRawBody(req);
  noteBaseUrl(state, req.headers.host);
  if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
    return handleFileUpload(state, url.pathname.slice(8), raw, req.headers['content-type'], res);
  }
  if (url.pathname.startsWith('/files/') && req.method === 'GET') {
    return serveFile(state, url.pathname.slice(7), res);
  }
  const parsed = parseApiBody(raw, req.headers['content-type']);
  const args: CallArgs = {
    ...Object.fromEntries(url.searchParams),
    ...(parsed.ok ? parsed.args : {}),
  };
  if (url.pathname.startsWith('/response/') && req.method === 'POST') {
    return handleResponseUrl(state, decodeURIComponent(url.pathname.slice(10)), args, res);
  }
  if (!url.pathname.startsWith('/api/')) return send(res, 404, { ok: false, error: 'not_found' });
  const method = url.pathname.slice(5);
  const appMethod = APP_TOKEN_METHODS[method];
  const handler = WEB_API_METHODS[method] ?? FILE_METHODS[method as keyof typeof FILE_METHODS];
  const known = Boolean(handler || appMethod);
  const reply = (status: number, body: Record<string, unknown>, headers = {}) => {
    const { token: _token, ...safeArgs } = args;
    const call: RecordedCall = { method, args: safeArgs, response: body, status, at: Date.now() };
    state.calls.push(call);
    if (!known) state.unexpected.push(call);
    state.events.emit('change');
    send(res, status, body, headers);
  };
  if (!known) return reply(200, { ok: false, error: 'unknown_method' });
  if (!parsed.ok) return reply(200, { ok: false, error: parsed.error });
  const authError = checkAuth(req, args, appMethod ? ctx.appToken : ctx.botToken);
  if (authError) return reply(200, { ok: false, error: authError });
  const fault = takeFault(state, method);
  if (fault?.kind === 'rate_limited') {
    return reply(
      429,
      { ok: false, error: 'ratelimited' },
      { 'retry-after': String(fault.retryAfterSeconds) },
    );
  }
  if (fault?.kind === 'error') return reply(200, { ok: false, error: fault.error });
  reply(200, appMethod ? appMethod(ctx) : handler!(state, args, ctx.identity));
}

function handleResponseUrl(state: EmulatorState, id: string, args: CallArgs, res: ServerResponse) {
  const fault = takeFault(state, 'response_url');
  // A payload Slack would refuse is answered 400 with the refusal, and never shown.
  const refused = fault ? null : validateMessage(args);
  const status = fault ? (fault.kind === 'rate_limited' ? 429 : 404) : refused ? 400 : 200;
  const body: Record<string, unknown> = fault
    ? { ok: false, error: fault.kind === 'error' ? fault.error : 'ratelimited' }
    : (refused ?? { ok: true });
  state.calls.push({
    method: 'response_url',
    args: { id, ...args },
    response: body,
    status,
    at: Date.now(),
  });
  if (status === 200) state.responses.push({ id, body: args, at: Date.now() });
  state.events.emit('change');
  const headers: Record<string, string> =
    fault?.kind === 'rate_limited' ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  send(res, status, body, headers);
}

function checkAuth(req: IncomingMessage, args: CallArgs, botToken: string): string | undefined {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
  if (!token) return 'not_authed';
  return token === botToken ? undefined : 'invalid_auth';
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
