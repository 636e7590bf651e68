import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request as a route sees it: path parameters (`/evidence/:id`) in params. */
export type RouteRequest = IncomingMessage & { params?: Record<string, string> };

/**
 * One HTTP route next to Slack's endpoint. Same shape as Bolt's CustomRoute, so the Slack
 * edge mounts these without http/ importing Bolt.
 */
export interface HttpRoute {
  path: string;
  method: string | string[];
  handler: (req: RouteRequest, res: ServerResponse) => void;
}

/** Writes a JSON body with its content type. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Writes a plain text body with the given content type. */
export function sendText(res: ServerResponse, status: number, text: string, contentType: string) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Wraps an async handler so a thrown error becomes a 500 instead of an unhandled rejection.
 * The error goes to onError (which logs it); the client sees only a correlation-free message.
 */
export function asyncRoute(
  handler: (req: RouteRequest, res: ServerResponse) => Promise<void>,
  onError: (error: unknown, req: RouteRequest) => void,
): HttpRoute['handler'] {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      onError(error, req);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}
