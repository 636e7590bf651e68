import type { IncomingMessage, ServerResponse } from 'node:http';

/** PagerDuty's error body: `{ error: { message, code, errors? } }`. */
export interface ErrorBody {
  error: { message: string; code: number; errors?: string[] };
}

/** An answer a route computed: status, JSON body, extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Builds an error reply in PagerDuty's shape. */
export function errorReply(
  status: number,
  message: string,
  code: number,
  errors?: string[],
): Reply {
  const error: ErrorBody['error'] = { message, code };
  if (errors) error.errors = errors;
  return { status, body: { error } };
}

export const NOT_FOUND = (): Reply => errorReply(404, 'Not Found', 2100);
export const INVALID_INPUT = (errors: string[]): Reply =>
  errorReply(400, 'Invalid Input Provided', 2001, errors);

/** The body PagerDuty sends for statuses injected with `failNext`. */
export function faultReply(status: number, retryAfterSeconds: number | undefined): Reply {
  if (status === 429) {
    const reset = String(retryAfterSeconds ?? 1);
    return {
      ...errorReply(429, 'Rate Limit Exceeded', 2020),
      headers: {
        'ratelimit-limit': '960',
        'ratelimit-remaining': '0',
        'ratelimit-reset': reset,
        'retry-after': reset,
      },
    };
  }
  if (status >= 500) {
    return errorReply(
      status,
      'An internal error has occurred. PagerDuty team has been notified.',
      2000,
    );
  }
  return errorReply(status, 'Arguments Caused Error', 2002);
}

/** Reads a request body up to a bound, so a runaway client cannot exhaust memory. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a reply as PagerDuty does: JSON with the versioned content type. */
export function send(res: ServerResponse, reply: Reply, rawBody?: string): void {
  const body = rawBody ?? JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type':
      rawBody === undefined ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

/** Query parameters with repeated keys kept, as `statuses[]=a&statuses[]=b` needs. */
export function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) query[key] = [...(query[key] ?? []), value];
  return query;
}
