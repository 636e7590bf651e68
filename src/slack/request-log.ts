import { randomUUID } from 'node:crypto';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';

/** A per-request logger and the id a user quotes when something went wrong. */
export interface RequestLog {
  log: Logger;
  correlationId: string;
}

/** Child logger carrying the correlation id and the request's Slack identifiers. */
export function requestLog(log: Logger, fields: Record<string, string | undefined>): RequestLog {
  // randomUUID draws from a cached entropy pool; randomBytes per request costs a syscall.
  const correlationId = randomUUID().slice(0, 8);
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { correlationId, log: log.child({ correlation_id: correlationId, ...defined }) };
}

/**
 * Records how long Slack waited for our ack. The clock starts when the HTTP request arrived
 * (stamped by the front server); in Socket Mode, when the listener started.
 */
export function observeAck(
  metrics: Metrics,
  kind: 'command' | 'action' | 'event',
  receivedAt: unknown,
  listenerStartedAt: number,
): void {
  const start = typeof receivedAt === 'number' ? receivedAt : listenerStartedAt;
  metrics.slackAckSeconds.observe({ kind }, (performance.now() - start) / 1000);
}
