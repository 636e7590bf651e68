import type { PagerDuty } from '../../adapters/pagerduty/client.ts';
import type { StoredIncident } from '../../triage/incident-store.ts';
import type { TriageService } from '../../triage/triage-service.ts';
import type { ActionRequest } from '../listeners/action-listener.ts';

export interface AcknowledgeDeps {
  service: Pick<TriageService, 'acknowledge'>;
  pagerduty?: Pick<PagerDuty, 'acknowledge'> | undefined;
  /** Acknowledge linked PagerDuty incidents too. Default true. */
  ackPagerDuty?: boolean;
}

/**
 * A person acted on the incident through a bot button: records the acknowledgement once (MTTA
 * via the bot) and acknowledges its still-triggered PagerDuty incidents. Returns what to tell
 * the clicker about PagerDuty; a PagerDuty failure is told, never thrown.
 */
export async function acknowledgeIncident(
  deps: AcknowledgeDeps,
  stored: StoredIncident,
  request: ActionRequest,
): Promise<string[]> {
  await deps.service.acknowledge(stored.id, { viaBot: true, by: request.user.id });
  if (deps.ackPagerDuty === false) return [];
  const triggered = stored.incident.signals.filter((s) => s.pagerduty && s.status === 'firing');
  if (triggered.length === 0) return [];
  if (!deps.pagerduty) return ['PagerDuty is not configured: its incident was not acknowledged.'];
  const notes: string[] = [];
  for (const signal of triggered) {
    const page = signal.pagerduty!;
    try {
      await deps.pagerduty.acknowledge(page.id);
      notes.push(`PagerDuty #${page.number} acknowledged.`);
    } catch (error) {
      request.log.warn({ err: error, pagerduty: page.id }, 'triage: PagerDuty ack failed');
      const reason = error instanceof Error ? error.message : String(error);
      notes.push(`PagerDuty #${page.number} could not be acknowledged: ${reason}`);
    }
  }
  return notes;
}
