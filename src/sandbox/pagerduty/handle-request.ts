import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { faultReply, INVALID_INPUT, queryOf, type Reply, readBody, send } from './http.ts';
import { route } from './routes.ts';
import type { EmulatorState } from './state.ts';
import type { Fault, RecordedRequest } from './types.ts';

/**
 * Serves one request: records it, applies the next matching injected fault (stall or status),
 * then routes it. Requests that break the API contract are also recorded as unexpected.
 */
export async function handleRequest(
  state: EmulatorState,
  token: string,
  closing: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  let body: unknown;
  let parseError: Reply | undefined;
  if (raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
      parseError = INVALID_INPUT(['The request body is not valid JSON']);
    }
  }
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: queryOf(url),
    headers: flatHeaders(req),
    body,
    status: 0,
    at: Date.now(),
  };
  state.requests.push(record);
  const fault = takeFault(state, `${method} ${url.pathname}`);
  if (fault?.delayMs) {
    try {
      await sleep(fault.delayMs, undefined, { signal: closing });
    } catch {
      return; // the emulator is closing; its sockets are being destroyed
    }
  }
  let reply: Reply;
  if (fault?.status) {
    reply = faultReply(fault.status, fault.retryAfterSeconds);
  } else if (parseError) {
    reply = parseError;
  } else {
    const result = route(state, token, { ...record, body });
    if (result.unexpected) state.unexpected.push(record);
    reply = result.reply;
  }
  record.status = reply.status;
  if (!res.destroyed) send(res, reply, fault?.status ? fault.body : undefined);
}

function takeFault(state: EmulatorState, request: string): Fault | undefined {
  const index = state.faults.findIndex((f) => !f.match || f.match.test(request));
  const fault = state.faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) state.faults.splice(index, 1);
  return fault;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
