import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { asyncRoute, type HttpRoute, sendJson, sendText } from './route.ts';

/** What /readyz reports: overall readiness and one line per dependency. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/** Asks every dependency whether the bot can serve; must not throw for a plain "not ready". */
export type ReadinessProbe = () => Promise<ReadinessReport>;

export interface OpsRoutesDeps {
  metrics: Metrics;
  readiness: ReadinessProbe;
  log: Logger;
  /** A probe slower than this counts as not ready (a hung database must not hang /readyz). */
  readinessTimeoutMs?: number;
}

/** GET /healthz (process alive), GET /readyz (dependencies), GET /metrics (Prometheus). */
export function createOpsRoutes(deps: OpsRoutesDeps): HttpRoute[] {
  const onError = (error: unknown, req: { url?: string }) =>
    deps.log.error({ err: error, route: req.url }, 'ops route failed');
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      path: '/readyz',
      method: 'GET',
      handler: asyncRoute(async (_req, res) => {
        const report = await probeReadiness(deps.readiness, deps.readinessTimeoutMs ?? 2000);
        if (!report.ready) deps.log.warn({ checks: report.checks }, 'not ready');
        sendJson(res, report.ready ? 200 : 503, {
          status: report.ready ? 'ready' : 'not_ready',
          checks: report.checks,
        });
      }, onError),
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: asyncRoute(async (_req, res) => {
        const text = await deps.metrics.registry.metrics();
        sendText(res, 200, text, deps.metrics.registry.contentType);
      }, onError),
    },
  ];
}

/** Runs the probe with a deadline; a throw or a timeout is a "not ready" with the reason. */
export async function probeReadiness(
  probe: ReadinessProbe,
  timeoutMs: number,
): Promise<ReadinessReport> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ReadinessReport>((resolve) => {
    timer = setTimeout(
      () => resolve({ ready: false, checks: { readiness: `timed out after ${timeoutMs} ms` } }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([probe(), deadline]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ready: false, checks: { readiness: `failed: ${message}` } };
  } finally {
    clearTimeout(timer);
  }
}
