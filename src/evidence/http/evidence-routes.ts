import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../telemetry/logger.ts';
import { isEvidenceId } from '../evidence-id.ts';
import type { EvidenceArchive } from '../evidence-service.ts';
import { renderEvidencePage, renderNotFoundPage } from './render-evidence-page.ts';

/** A framework-neutral handler: route params are passed in. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => Promise<void>;

/** A request carrying path params as Bolt sets them (its type allows string arrays too). */
export type ParamsRequest = IncomingMessage & { params?: Record<string, string | string[]> };

/** Bolt's `customRoutes` shape: Bolt puts route params in `req.params`. */
export interface RouteDescriptor {
  path: string;
  method: string;
  handler: (req: ParamsRequest, res: ServerResponse) => void;
}

function stringParams(params: ParamsRequest['params']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export interface EvidenceRouteOptions {
  /** The evidence service: records, bundles and the public key that checks them. */
  evidence: Pick<EvidenceArchive, 'get' | 'bundle' | 'publicKey'>;
  publicUrl: string;
  log?: Logger;
  /** A Slack user's display name (users.info), for people named on the HTML pages. */
  displayName?: (userId: string) => Promise<string | undefined>;
}

/** Display names of the Slack users a record names (at most 25); a failed lookup leaves the id. */
async function namesIn(
  record: { actor: string; document: string },
  displayName: EvidenceRouteOptions['displayName'],
): Promise<Record<string, string>> {
  if (!displayName) return {};
  const ids = new Set([record.actor, ...(record.document.match(/\b[UW][A-Z0-9]{8,}\b/g) ?? [])]);
  const found = await Promise.all(
    [...ids]
      .filter((id) => /^[UW][A-Z0-9]{8,}$/.test(id))
      .slice(0, 25)
      .map(async (id) => [id, await displayName(id).catch(() => undefined)] as const),
  );
  return Object.fromEntries(found.filter((pair): pair is [string, string] => Boolean(pair[1])));
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  cache?: string,
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': cache ?? 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}

function quality(accept: string, types: string[]): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...paramList] = part.trim().toLowerCase().split(';');
    if (!types.includes(type.trim())) continue;
    const q = paramList.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
}

/** True when the client prefers JSON over HTML (`Accept: application/json`, or `?format=json`). */
export function wantsJson(req: IncomingMessage): boolean {
  if (/[?&]format=json(&|$)/.test(req.url ?? '')) return true;
  const accept = req.headers.accept ?? '';
  const json = quality(accept, ['application/json']);
  return json > 0 && json >= quality(accept, ['text/html', 'text/*', '*/*']);
}

function notFound(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
): void {
  if (wantsJson(req)) {
    send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: message }));
  } else {
    send(res, status, 'text/html; charset=utf-8', renderNotFoundPage(message));
  }
}

function guard(name: string, handler: RouteHandler, log?: Logger): RouteHandler {
  return async (req, res, params) => {
    try {
      await handler(req, res, params);
    } catch (error) {
      log?.error({ err: error, route: name, url: req.url }, 'evidence route failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    }
  };
}

/** The three evidence handlers: public key, document (HTML or JSON), and bundle. */
export function createEvidenceHandlers(options: EvidenceRouteOptions): {
  keys: RouteHandler;
  document: RouteHandler;
  bundle: RouteHandler;
} {
  const { evidence, log } = options;
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const badId = (id: string) =>
    `"${id}" is not an evidence id: ids look like ev_ followed by 16 letters and digits.`;

  return {
    keys: guard(
      'keys',
      async (_req, res) => {
        send(
          res,
          200,
          'application/x-pem-file',
          evidence.publicKey.publicKeyPem,
          'public, max-age=300',
        );
      },
      log,
    ),
    document: guard(
      'document',
      async (req, res, params) => {
        const id = params.id ?? '';
        if (!isEvidenceId(id)) return notFound(req, res, 400, badId(id));
        const record = await evidence.get(id);
        if (!record) return notFound(req, res, 404, `No evidence with id ${id}.`);
        if (wantsJson(req)) {
          // The stored bytes, unchanged: their sha256 is the digest the bundle signs.
          return send(res, 200, 'application/json; charset=utf-8', record.document, IMMUTABLE);
        }
        const names = await namesIn(record, options.displayName);
        const page = renderEvidencePage(record, {
          publicUrl,
          keyHint: evidence.publicKey.hint,
          names,
        });
        // Not immutable: display names may change, and a lookup may fail once.
        send(res, 200, 'text/html; charset=utf-8', page);
      },
      log,
    ),
    bundle: guard(
      'bundle',
      async (req, res, params) => {
        const id = params.id ?? '';
        if (!isEvidenceId(id)) return notFound(req, res, 400, badId(id));
        const bundle = await evidence.bundle(id);
        if (bundle === null) return notFound(req, res, 404, `No evidence with id ${id}.`);
        send(res, 200, 'application/json; charset=utf-8', bundle, IMMUTABLE);
      },
      log,
    ),
  };
}

/** Route descriptors for Bolt's `customRoutes` (or any router that sets `req.params`). */
export function evidenceRoutes(options: EvidenceRouteOptions): RouteDescriptor[] {
  const handlers = createEvidenceHandlers(options);
  const bolt =
    (handler: RouteHandler): RouteDescriptor['handler'] =>
    (req, res) => {
      void handler(req, res, stringParams(req.params));
    };
  return [
    { path: '/evidence/keys', method: 'GET', handler: bolt(handlers.keys) },
    { path: '/evidence/:id/bundle', method: 'GET', handler: bolt(handlers.bundle) },
    { path: '/evidence/:id', method: 'GET', handler: bolt(handlers.document) },
  ];
}
