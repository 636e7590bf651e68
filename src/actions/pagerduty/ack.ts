import { z } from 'zod';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { applyIntent, classify } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext, Intent, Reconciled } from '../types.ts';
import { describeIncident, requirePagerDuty } from './require-pagerduty.ts';
import { AckParams } from './schema.ts';

const AckState = z.object({ incidentId: z.string(), status: z.string() });

/** Acknowledged is applied, triggered is not; resolved since the plan is someone else's change. */
async function observe(ctx: ActionContext, p: AckParams, intent: Intent): Promise<Reconciled> {
  const incident = await requirePagerDuty(ctx, 'pagerduty.ack').getIncident(p.incidentId);
  const planned = parseBefore(AckState, intent.before, 'pagerduty.ack');
  const after = parseBefore(AckState, intent.after, 'pagerduty.ack');
  const what = `PagerDuty incident #${incident.incident_number}`;
  return classify(what, incident.status, { before: planned.status, after: after.status }, String);
}

/** `pagerduty.ack`: acknowledges an incident so escalation stops while someone works on it. */
export const ack = defineAction<AckParams>({
  name: 'pagerduty.ack',
  summary: 'Acknowledge a PagerDuty incident (stops escalation)',
  params: AckParams,
  reversible: false,
  irreversible:
    'PagerDuty cannot un-acknowledge an incident; it stays acknowledged until resolved or its acknowledgement timeout re-triggers it.',

  async plan(ctx, p) {
    const incident = await requirePagerDuty(ctx, 'pagerduty.ack').getIncident(p.incidentId);
    const what = `PagerDuty incident ${describeIncident(incident)}`;
    if (incident.status === 'resolved')
      throw new ActionError('refused', `${what} is resolved; there is nothing to acknowledge.`);
    const before = { incidentId: incident.id, status: incident.status };
    const intent = { before, after: { ...before, status: 'acknowledged' } };
    if (incident.status === 'acknowledged')
      return { summary: `${what} is already acknowledged`, diff: [], noop: true, intent };
    return {
      summary: `acknowledge ${what}`,
      diff: ['- status: triggered', '+ status: acknowledged'],
      affected: 'escalation to the next on-call level stops',
      intent,
    };
  },

  async apply(ctx, p, intent) {
    const reconciled = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const acked = await requirePagerDuty(ctx, 'pagerduty.ack').acknowledge(p.incidentId);
      return { incidentId: acked.id, status: acked.status };
    });
  },

  reconcile: observe,

  async verify(ctx, p, _applied, options = {}) {
    const pd = requirePagerDuty(ctx, 'pagerduty.ack');
    return pollUntil(ctx, options, 30_000, async () => {
      const incident = await pd.getIncident(p.incidentId);
      const done = incident.status !== 'triggered';
      return { done, ok: done, detail: `PagerDuty incident ${describeIncident(incident)}` };
    });
  },
});
