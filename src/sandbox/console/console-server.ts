import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendJson } from '../../http/route.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { ScenarioRunner } from '../scenarios/scenario-runner.ts';
import { type ChannelDef, channelFeed, feedToHtml } from './channel-feed.ts';
import type { MessageRef } from './console-log.ts';
import { emojiFontDir } from './emoji.ts';
import { type InteractionDeps, type SandboxUser, sendClick, sendCommand } from './interactions.ts';
import type { Names } from './mrkdwn.ts';

const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/console/app.js': 'app.js',
  '/console/app.css': 'app.css',
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface ConsoleOptions extends InteractionDeps {
  users: SandboxUser[];
  /** User groups by id with the handle Slack shows for `<!subteam^ID>`. */
  groups?: { id: string; handle: string }[];
  channels: ChannelDef[];
  runner: ScenarioRunner;
  botUrl: string;
  prometheusUrl: string;
  appLog: Logger;
  host?: string;
  port?: number;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The web console: the static page, and a small JSON API (feed, command, click, scenarios).
 * Commands and clicks are signed here with the signing secret; the page never holds it.
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  // How many messages each person has seen in each channel (`user|channel`): unread counts.
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    route(options, req, res, seen).catch((error: unknown) => {
      options.appLog.error({ err: error, url: req.url }, 'console request failed');
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => resolve());
    });
  try {
    await listen(options.port ?? 0);
  } catch (error) {
    // A busy preferred port (another sandbox?) should not stop the start: take any free one.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function namesFor(options: ConsoleOptions): Names {
  return {
    user: (id) => options.users.find((u) => u.id === id)?.name,
    channel: (id) => options.channels.find((c) => c.id === id)?.name,
    group: (id) => options.groups?.find((g) => g.id === id)?.handle,
  };
}

async function route(
  options: ConsoleOptions,
  req: IncomingMessage,
  res: ServerResponse,
  seen: Map<string, number>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const file = STATIC[url.pathname];
  if (req.method === 'GET' && file) return serveStatic(res, file);
  if (req.method === 'GET' && url.pathname.startsWith('/console/fonts/')) {
    return serveFont(res, url.pathname.slice('/console/fonts/'.length));
  }
  if (req.method === 'GET' && url.pathname === '/console/api/bootstrap') {
    return sendJson(res, 200, {
      users: options.users,
      channels: options.channels,
      scenarios: options.runner.list(),
      botUrl: options.botUrl,
      prometheusUrl: options.prometheusUrl,
    });
  }
  if (req.method === 'GET' && url.pathname === '/console/api/feed') {
    const user = userOf(options, url.searchParams.get('user'));
    const channel = channelOf(options, url.searchParams.get('channel'));
    if (!user || !channel) return sendJson(res, 400, { error: 'unknown user or channel' });
    const items = channelFeed(options.slack, options.log, channel, user.id);
    // Opening a channel reads it: its unread count starts again from what is shown now.
    seen.set(`${user.id}|${channel.id}`, items.length);
    return sendJson(res, 200, {
      html: feedToHtml(items, namesFor(options)),
      count: items.length,
      unread: options.channels.map((c) => ({
        id: c.id,
        messages: Math.max(
          0,
          channelFeed(options.slack, options.log, c, user.id).length -
            (seen.get(`${user.id}|${c.id}`) ?? 0),
        ),
      })),
      scenarios: { events: options.runner.events().slice(-30), firing: options.runner.firing() },
    });
  }
  if (req.method === 'POST' && url.pathname === '/console/api/command') {
    const body = await readJson(req);
    const user = userOf(options, body.user);
    const channel = channelOf(options, body.channel);
    if (!user || !channel || typeof body.text !== 'string')
      return sendJson(res, 400, { error: 'user, channel and text are required' });
    return outcome(res, await sendCommand(options, user, channel, body.text));
  }
  if (req.method === 'POST' && url.pathname === '/console/api/click') {
    const body = await readJson(req);
    const user = userOf(options, body.user);
    const channel = channelOf(options, body.channel);
    if (!user || !channel || !isRef(body.ref))
      return sendJson(res, 400, { error: 'user, channel and ref are required' });
    return outcome(
      res,
      await sendClick(options, user, channel, {
        ref: body.ref,
        actionId: String(body.actionId ?? ''),
        value: String(body.value ?? ''),
        blockId: String(body.blockId ?? ''),
      }),
    );
  }
  const scenario = /^\/console\/api\/scenarios\/([a-z0-9-]+)$/.exec(url.pathname);
  if (req.method === 'POST' && scenario?.[1]) {
    const started = await options.runner.start(scenario[1]);
    return sendJson(res, started.ok ? 200 : 409, started);
  }
  sendJson(res, 404, { error: 'not found' });
}

function outcome(res: ServerResponse, result: Awaited<ReturnType<typeof sendCommand>>): void {
  if (result.ok) sendJson(res, 200, { ok: true });
  else sendJson(res, result.status, { ok: false, error: result.error });
}

function userOf(options: ConsoleOptions, id: unknown): SandboxUser | undefined {
  return options.users.find((u) => u.id === id);
}

function channelOf(options: ConsoleOptions, id: unknown): ChannelDef | undefined {
  return options.channels.find((c) => c.id === id);
}

function isRef(value: unknown): value is MessageRef {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'message' || kind === 'ephemeral' || kind === 'response';
}

async function serveStatic(res: ServerResponse, file: string): Promise<void> {
  const body = await readFile(path.join(STATIC_DIR, file));
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'",
  });
  res.end(body);
}

/**
 * The self-hosted Noto Emoji font (OFL): its CSS with the files' URLs pointed here, and
 * the woff2 files. Only names the package ships are served.
 */
async function serveFont(res: ServerResponse, name: string): Promise<void> {
  const dir = emojiFontDir();
  const headers = { 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' };
  if (name === 'emoji.css') {
    const css = (await readFile(path.join(dir, 'index.css'), 'utf8')).replace(
      /url\(\.\/files\//g,
      'url(/console/fonts/',
    );
    res.writeHead(200, { ...headers, 'content-type': TYPES['.css'] ?? 'text/css' });
    res.end(css);
    return;
  }
  if (!/^noto-emoji-\d+-400-normal\.woff2$/.test(name)) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such font file\n');
    return;
  }
  const body = await readFile(path.join(dir, 'files', name));
  res.writeHead(200, { ...headers, 'content-type': 'font/woff2' });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
