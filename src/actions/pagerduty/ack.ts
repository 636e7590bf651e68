import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { pollUntil } from '../poll-until.ts';
import { describeIncident, requirePagerDuty } from './require-pagerduty.ts';
import { AckParams } from './schema.ts';

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
    if (incident.status === 'acknowledged')
      return { summary: `${what} is already acknowledged`, diff: [], noop: true };
    return {
      summary: `acknowledge ${what}`,
      diff: ['- status: triggered', '+ status: acknowledged'],
      affected: 'escalation to the next on-call level stops',
    };
  },

  async apply(ctx, p) {
    const pd = requirePagerDuty(ctx, 'pagerduty.ack');
    const incident = await pd.getIncident(p.incidentId);
    const before = { incidentId: incident.id, status: incident.status };
    if (incident.status !== 'triggered') return { before, after: before };
    const acked = await pd.acknowledge(p.incidentId);
    return { before, after: { incidentId: acked.id, status: acked.status } };
  },

  async verify(ctx, p, _applied, options = {}) {
    const pd = requirePagerDuty(ctx, 'pagerduty.ack');
    return pollUntil(ctx, options, 30_000, async () => {
      const incident = await pd.getIncident(p.incidentId);
      const done = incident.status !== 'triggered';
      return { done, ok: done, detail: `PagerDuty incident ${describeIncident(incident)}` };
    });
  },
});
