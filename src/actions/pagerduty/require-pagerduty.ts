import type { PagerDuty } from '../../adapters/pagerduty/client.ts';
import type { PagerDutyIncident } from '../../adapters/pagerduty/schema.ts';
import { ActionError } from '../action-error.ts';
import type { ActionContext } from '../types.ts';

/** The PagerDuty client, or a clear refusal when the bot runs without one. */
export function requirePagerDuty(ctx: ActionContext, action: string): PagerDuty {
  if (ctx.pagerduty) return ctx.pagerduty;
  throw new ActionError(
    'not_configured',
    `${action} needs PagerDuty, which is not configured: set PAGERDUTY_TOKEN (and PAGERDUTY_API_URL if not api.pagerduty.com).`,
  );
}

/** `#1234 "Checkout 5xx above 2%" (triggered, service checkout (prod))`. */
export function describeIncident(incident: PagerDutyIncident): string {
  const service = incident.service.summary ?? incident.service.id;
  return `#${incident.incident_number} "${incident.title}" (${incident.status}, service ${service})`;
}
