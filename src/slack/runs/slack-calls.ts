import { Counter } from 'prom-client';
import type { Logger } from '../../telemetry/logger.ts';
import type { Metrics } from '../../telemetry/metrics.ts';

const ERRORS_METRIC = 'mc_run_message_errors_total';

/** Counts failed Slack calls made for run messages, by method (on the bot's registry). */
export function runMessageErrors(metrics: Metrics | undefined): Counter<'method'> | undefined {
  if (!metrics) return undefined;
  const existing = metrics.registry.getSingleMetric(ERRORS_METRIC);
  if (existing) return existing as Counter<'method'>;
  return new Counter({
    name: ERRORS_METRIC,
    help: 'Slack Web API calls for run messages (post, update, thread reply, ephemeral) that failed.',
    labelNames: ['method'],
    registers: [metrics.registry],
  });
}

/** The Slack error code of a Web API failure (`message_not_found`), else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Runs one Slack call; a failure is logged with context and counted, then returned, never thrown. */
export async function guardedCall<T>(
  what: { method: string; run?: string; log: Logger; errors: Counter<'method'> | undefined },
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown; code: string | undefined }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const code = slackErrorCode(error);
    what.errors?.inc({ method: what.method });
    what.log.error(
      { err: error, run: what.run, method: what.method, slack_error: code },
      'slack call for a run message failed',
    );
    return { ok: false, error, code };
  }
}
