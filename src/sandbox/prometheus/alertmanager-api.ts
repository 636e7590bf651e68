import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type LabelMatcher,
  matchesLabels,
  parseSelector,
} from '../../domain/deploys/label-matchers.ts';

/** A firing alert as the scenarios hold it (the shape of a webhook alert). */
export interface HeldAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

interface ApiMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

interface StoredSilence {
  id: string;
  matchers: ApiMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  expired: boolean;
}

const PREFIX = '/alertmanager/api/v2/';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function toLabelMatchers(matchers: ApiMatcher[]): LabelMatcher[] {
  const op = (m: ApiMatcher) =>
    `${m.isEqual === false ? '!' : '='}${m.isRegex ? '~' : m.isEqual === false ? '=' : ''}`;
  return parseSelector(
    `{${matchers.map((m) => `${m.name}${op(m)}${JSON.stringify(m.value)}`).join(',')}}`,
  );
}

/**
 * The part of Alertmanager's API v2 the bot calls, over the alerts the sandbox's scenarios
 * hold firing: GET alerts (filter, active, silenced, inhibited), status, and silences
 * (create, list, get, expire). So `/mc triage` and `alertmanager.silence` read what fires.
 */
export function createAlertmanagerApi(alerts: () => HeldAlert[]) {
  const silences: StoredSilence[] = [];
  const state = (s: StoredSilence) =>
    s.expired || Date.parse(s.endsAt) <= Date.now()
      ? 'expired'
      : Date.parse(s.startsAt) > Date.now()
        ? 'pending'
        : 'active';
  const shown = (s: StoredSilence) => ({
    id: s.id,
    status: { state: state(s) },
    matchers: s.matchers.map((m) => ({ ...m, isEqual: m.isEqual ?? true })),
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    updatedAt: s.startsAt,
    createdBy: s.createdBy,
    comment: s.comment,
  });
  const silencedBy = (labels: Record<string, string>) =>
    silences
      .filter((s) => state(s) === 'active' && matchesLabels(labels, toLabelMatchers(s.matchers)))
      .map((s) => s.id);

  return {
    handles: (pathname: string) => pathname.startsWith(PREFIX),
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const path = url.pathname.slice(PREFIX.length);
      if (req.method === 'GET' && path === 'alerts') {
        const filter = url.searchParams.getAll('filter');
        const matchers = filter.length ? parseSelector(`{${filter.join(',')}}`) : [];
        const wantSilenced = url.searchParams.get('silenced') !== 'false';
        const list = alerts()
          .filter((a) => matchesLabels(a.labels, matchers))
          .map((a) => {
            const by = silencedBy(a.labels);
            return {
              ...a,
              updatedAt: a.startsAt,
              receivers: [{ name: 'mc' }],
              status: {
                state: by.length ? 'suppressed' : 'active',
                silencedBy: by,
                inhibitedBy: [],
              },
            };
          })
          .filter((a) => wantSilenced || a.status.silencedBy.length === 0);
        return send(res, 200, list);
      }
      if (req.method === 'GET' && path === 'status') {
        return send(res, 200, {
          cluster: { status: 'disabled' },
          versionInfo: { version: 'sandbox' },
          uptime: new Date().toISOString(),
        });
      }
      if (req.method === 'GET' && path === 'silences') return send(res, 200, silences.map(shown));
      if (req.method === 'POST' && path === 'silences') {
        const body = (await readJson(req)) as Omit<StoredSilence, 'id' | 'expired'>;
        if (!Array.isArray(body.matchers) || body.matchers.length === 0) {
          return send(res, 400, 'missing matchers');
        }
        const silence = { ...body, id: randomUUID(), expired: false };
        silences.push(silence);
        return send(res, 200, { silenceID: silence.id });
      }
      const one = /^silence\/([^/]+)$/.exec(path);
      const found = one
        ? silences.find((s) => s.id === decodeURIComponent(one[1] ?? ''))
        : undefined;
      if (one && !found) return send(res, 404, 'silence not found');
      if (found && req.method === 'GET') return send(res, 200, shown(found));
      if (found && req.method === 'DELETE') {
        found.expired = true;
        return send(res, 200, {});
      }
      return send(res, 404, `no route ${req.method} ${url.pathname}`);
    },
  };
}
