import { z } from 'zod';
import type { Logger } from '../../telemetry/logger.ts';
import { AlertmanagerError } from './alertmanager-error.ts';
import { type JsonRequest, requestJson } from './request-json.ts';
import { Alert, AlertmanagerStatus, Matcher, type MatcherInput, Silence } from './schema.ts';

export interface AlertQuery {
  /** Only alerts whose labels match all of these. */
  filter?: MatcherInput[];
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
}

export interface NewSilence {
  matchers: MatcherInput[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** Alertmanager's API v2: alerts, silences, status. */
export interface AlertmanagerClient {
  url: string;
  alerts(query?: AlertQuery): Promise<Alert[]>;
  /** Creates a silence and resolves with its id. */
  createSilence(silence: NewSilence): Promise<string>;
  expireSilence(id: string): Promise<void>;
  /** The silence, or undefined when Alertmanager does not know the id. */
  getSilence(id: string): Promise<Silence | undefined>;
  /** Every silence Alertmanager holds (active, pending and recently expired). */
  listSilences(): Promise<Silence[]>;
  status(): Promise<AlertmanagerStatus>;
}

export interface AlertmanagerClientOptions {
  url: string;
  timeoutMs: number;
  log: Logger;
}

const SilenceCreated = z.object({ silenceID: z.string().min(1) });

/** Builds a client; nothing is sent until a method is called. */
export function createAlertmanagerClient(options: AlertmanagerClientOptions): AlertmanagerClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const log = options.log.child({ adapter: 'alertmanager' });
  const call = (
    method: JsonRequest['method'],
    path: string,
    extra: Pick<JsonRequest, 'body' | 'allow'> = {},
  ) => requestJson({ baseUrl, method, path, timeoutMs: options.timeoutMs, log, ...extra });

  return {
    url: baseUrl,
    async alerts(query = {}) {
      const params = new URLSearchParams();
      for (const m of query.filter ?? []) params.append('filter', formatMatcher(Matcher.parse(m)));
      for (const key of ['active', 'silenced', 'inhibited'] as const) {
        const value = query[key];
        if (value !== undefined) params.set(key, String(value));
      }
      const qs = params.size ? `?${params.toString()}` : '';
      return decode(z.array(Alert), await call('GET', `/api/v2/alerts${qs}`), 'alerts');
    },
    async createSilence(silence) {
      const body = {
        matchers: silence.matchers.map((m) => Matcher.parse(m)),
        startsAt: silence.startsAt.toISOString(),
        endsAt: silence.endsAt.toISOString(),
        createdBy: silence.createdBy,
        comment: silence.comment,
      };
      const created = await call('POST', '/api/v2/silences', { body });
      return decode(SilenceCreated, created, 'the new silence').silenceID;
    },
    async expireSilence(id) {
      await call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
    },
    async getSilence(id) {
      const path = `/api/v2/silence/${encodeURIComponent(id)}`;
      const data = await call('GET', path, { allow: [404] });
      return data === undefined ? undefined : decode(Silence, data, `silence ${id}`);
    },
    async listSilences() {
      return decode(z.array(Silence), await call('GET', '/api/v2/silences'), 'silences');
    },
    async status() {
      return decode(AlertmanagerStatus, await call('GET', '/api/v2/status'), 'status');
    },
  };
}

/** `name="value"`, `name!~"re"`...: the filter syntax of /api/v2/alerts. */
export function formatMatcher(matcher: Matcher): string {
  const op = `${matcher.isEqual ? '=' : '!'}${matcher.isRegex ? '~' : matcher.isEqual ? '' : '='}`;
  const value = matcher.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${matcher.name}${op}"${value}"`;
}

function decode<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new AlertmanagerError(
    'bad_response',
    `Alertmanager's answer for ${what} has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
  );
}
