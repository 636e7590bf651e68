import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silence } from '../../src/actions/alertmanager/silence.ts';
import type { ActionContext } from '../../src/actions/types.ts';
import {
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../support/alertmanager.ts';
import { requireBinary } from '../support/prometheus.ts';
import { startWorld, type World } from './world.ts';

const ALERTMANAGER = requireBinary('prometheus-alertmanager');

describe.skipIf(!ALERTMANAGER)('src/actions/alertmanager/silence (real Alertmanager)', () => {
  let am: TestAlertmanager;
  let receiver: WebhookReceiver;
  let world: World;
  let ctx: ActionContext;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    am = await startAlertmanager({ webhookUrl: receiver.url });
    world = await startWorld({}, { alertmanager: am.client, actor: 'U01ALICE01' });
    ctx = world.ctx;
    const alert = {
      labels: { alertname: 'KubePodCrashLooping', service: 'checkout', severity: 'critical' },
    };
    const posted = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(posted.status).toBe(200);
  });
  afterAll(async () => {
    await world?.close();
    await am?.close();
    await receiver?.close();
  });

  const p = {
    matchers: [
      { name: 'alertname', value: 'KubePodCrashLooping', isRegex: false, isEqual: true },
      { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
    ],
    duration: '1h',
    comment: 'rollback under way (run r-1)',
  };

  it('plans with the firing alerts it would silence, creates an active silence, and expires it on revert', async () => {
    const now = new Date();
    const plan = await silence.plan({ ...ctx, now: () => now }, p);
    // No end time yet: the hour starts when the step runs, which may be long after the plan.
    expect(plan.summary).toBe(
      'silence alerts matching {alertname="KubePodCrashLooping", service="checkout"} for 1h from when this step runs',
    );
    expect(plan.diff).toEqual([
      '+ silence {alertname="KubePodCrashLooping", service="checkout"} for 1h: rollback under way (run r-1)',
    ]);
    expect(plan.affected).toBe('1 firing alert (KubePodCrashLooping)');

    const applied = await silence.apply(ctx, p);
    const { silenceId } = applied.before as { silenceId: string };
    const verified = await silence.verify(ctx, p, applied, { pollMs: 20 });
    const stored = await am.client.getSilence(silenceId);
    // The end is an ISO instant, which Slack messages show in each reader's time zone.
    const endsAt = new Date(stored?.endsAt ?? '').toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(verified).toEqual({
      ok: true,
      detail: `silence ${silenceId} is active until ${endsAt}`,
    });
    expect(stored).toMatchObject({
      createdBy: 'U01ALICE01',
      comment: p.comment,
      status: { state: 'active' },
    });
    expect(Date.parse(stored?.endsAt ?? '') - Date.parse(stored?.startsAt ?? '')).toBeCloseTo(
      3_600_000,
      -3,
    );
    const silenced = await am.client.alerts({ filter: [{ name: 'service', value: 'checkout' }] });
    expect(silenced[0]?.status.silencedBy).toEqual([silenceId]);

    await silence.revert(ctx, p, applied.before);
    expect((await am.client.getSilence(silenceId))?.status.state).toBe('expired');
    await silence.revert(ctx, p, applied.before); // a second revert finds it expired and does nothing
  });
});
