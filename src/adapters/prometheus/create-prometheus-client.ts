import type { z } from 'zod';
import type { Logger } from '../../telemetry/logger.ts';
import { PrometheusError } from './prometheus-error.ts';
import { requestApi } from './request-api.ts';
import { AlertsData, type MatrixResult, type PrometheusAlert, QueryResult } from './schema.ts';

/** Read access to one Prometheus server over its HTTP API v1. */
export interface PrometheusClient {
  url: string;
  /** Instant query, at `time` or now. */
  query(promql: string, options?: { time?: Date }): Promise<QueryResult>;
  /** Range query; `step` in seconds or as a duration (`15s`). */
  queryRange(
    promql: string,
    options: { start: Date; end: Date; step: number | string },
  ): Promise<MatrixResult>;
  /** Alerts the rule evaluator holds (pending and firing). */
  alerts(): Promise<PrometheusAlert[]>;
  /** A link to the expression in Prometheus's graph page, for people. */
  graphUrl(promql: string, options?: { range?: string }): string;
}

export interface PrometheusClientOptions {
  url: string;
  timeoutMs: number;
  log: Logger;
  /** Base of graph links when people reach Prometheus by another address. Default `url`. */
  publicUrl?: string;
}

/** Builds a client; nothing is sent until a method is called. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const publicUrl = (options.publicUrl ?? baseUrl).replace(/\/+$/, '');
  const log = options.log.child({ adapter: 'prometheus' });
  const call = (path: string, form?: URLSearchParams) =>
    requestApi({ baseUrl, path, timeoutMs: options.timeoutMs, log, ...(form ? { form } : {}) });
  // Let Prometheus give up slightly before we do, so its own timeout error is the one seen.
  const serverTimeout = `${Math.max(1, Math.floor(options.timeoutMs * 0.9))}ms`;

  return {
    url: baseUrl,
    async query(promql, queryOptions = {}) {
      const form = new URLSearchParams({ query: promql, timeout: serverTimeout });
      if (queryOptions.time) form.set('time', unixSeconds(queryOptions.time));
      return decode(
        QueryResult,
        await call('/api/v1/query', form),
        `query ${JSON.stringify(promql)}`,
      );
    },
    async queryRange(promql, { start, end, step }) {
      const form = new URLSearchParams({
        query: promql,
        start: unixSeconds(start),
        end: unixSeconds(end),
        step: String(step),
        timeout: serverTimeout,
      });
      const result = decode(
        QueryResult,
        await call('/api/v1/query_range', form),
        `range query ${JSON.stringify(promql)}`,
      );
      if (result.type !== 'matrix') {
        throw new PrometheusError(
          'bad_response',
          `Prometheus answered the range query ${JSON.stringify(promql)} with a ${result.type}, expected a matrix`,
        );
      }
      return result;
    },
    async alerts() {
      return decode(AlertsData, await call('/api/v1/alerts'), '/api/v1/alerts').alerts;
    },
    graphUrl(promql, graphOptions = {}) {
      const params = new URLSearchParams({
        'g0.expr': promql,
        'g0.tab': '0',
        'g0.range_input': graphOptions.range ?? '1h',
      });
      return `${publicUrl}/graph?${params.toString()}`;
    },
  };
}

function unixSeconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

function decode<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at data.${issue.path.join('.')}` : '';
  throw new PrometheusError(
    'bad_response',
    `Prometheus's answer to ${what} has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
  );
}
