import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';
import type { DeliverOptions, WebhookPayload } from '../../../src/sandbox/pagerduty/webhook.ts';
import type { Db } from '../../../src/store/db.ts';
import { REPO_ROOT } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { type Harness, type HarnessOptions, metricValue, startHarness } from './harness.ts';
import { openInboxDb } from './inbox-db.ts';

const SECRET = 'pd-whsec-9a1c7e55b3f04d2e';
const OLD_SECRET = 'pd-whsec-retiring-77e0c1a4';
const fixture = (name: string) =>
  fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/pagerduty', name), 'utf8');

describe('src/http/webhooks/pagerduty-route', () => {
  let pd: PagerDutyEmulator;
  let incidentId: string;
  let db: Db;
  let dispose: () => Promise<void>;
  let h: Harness;
  beforeAll(async () => {
    pd = await startPagerDutyEmulator();
    const service = pd.seedService({ name: 'checkout (prod)' });
    incidentId = pd.seedIncident({ title: 'checkout 5xx', serviceId: service.id }).id;
    ({ db, dispose } = await openInboxDb('pglite', captureLogs().log));
  });
  afterAll(async () => {
    await pd?.close();
    await dispose?.();
  });
  afterEach(async () => h?.close());

  const serve = (options: HarnessOptions = {}) =>
    startHarness({ pagerdutySecrets: [SECRET], ...options, db });
  const deliver = (payload: WebhookPayload, options: DeliverOptions) =>
    pd.deliverWebhook(`${h.url}/webhooks/pagerduty`, payload, options);
  const triggered = () => ({ type: 'incident.triggered' as const, incidentId });

  it('accepts valid and rotated signatures; refuses invalid and missing ones with 401', async () => {
    h = await serve();
    const valid = await deliver(triggered(), { secret: SECRET });
    // Rotation on PagerDuty's side: two signatures, the second made with our secret.
    const rotated = await deliver(triggered(), { secrets: [OLD_SECRET, SECRET] });
    const invalid = await deliver(triggered(), { secret: 'pd-whsec-someone-else-000' });
    const missing = await deliver(triggered(), {});
    expect([valid, rotated, invalid, missing].map((d) => d.status)).toEqual([202, 202, 401, 401]);
    expect(rotated.headers['x-pagerduty-signature']?.split(',')).toHaveLength(2);
    expect(missing.headers['x-pagerduty-signature']).toBeUndefined();
    expect((await h.rows()).map((r) => r.delivery_id)).toEqual([
      valid.webhookId,
      rotated.webhookId,
    ]);
    expect(h.logs.find('webhook unauthorized').map((l) => l.reason)).toEqual([
      'invalid',
      'missing',
    ]);
    expect(h.logs.text()).not.toContain(SECRET);
  });

  it('accepts either configured secret while ours rotates', async () => {
    h = await serve({ pagerdutySecrets: [SECRET, OLD_SECRET] });
    expect((await deliver(triggered(), { secret: OLD_SECRET })).status).toBe(202);
    expect((await deliver(triggered(), { secret: SECRET })).status).toBe(202);
  });

  it('refuses a signature made over another body', async () => {
    h = await serve();
    const other = await deliver(triggered(), { secret: SECRET });
    const forged = await deliver(triggered(), {
      headers: { 'x-pagerduty-signature': other.headers['x-pagerduty-signature'] ?? '' },
    });
    expect(forged.status).toBe(401);
  });

  it('processes a redelivery with the same X-Webhook-Id once', async () => {
    h = await serve();
    const body = pd.webhookBody(triggered());
    const first = await deliver(body, { secret: SECRET, webhookId: 'wh-redelivered-1' });
    const again = await deliver(body, { secret: SECRET, webhookId: 'wh-redelivered-1' });
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(JSON.parse(again.responseBody)).toEqual({ status: 'duplicate' });
    expect(await h.worker.drain()).toBe(1);
    expect(h.recorder.calls).toHaveLength(1);
    expect(h.recorder.calls[0]).toMatchObject({
      source: 'pagerduty',
      event: { event_type: 'incident.triggered', data: { id: incidentId } },
      meta: { deliveryId: 'wh-redelivered-1', attempt: 1 },
    });
  });

  it('processes a signed body replayed under a new X-Webhook-Id once (same event id)', async () => {
    h = await serve();
    const body = pd.webhookBody(triggered());
    const first = await deliver(body, { secret: SECRET, webhookId: 'wh-original-1' });
    const replay = await deliver(body, { secret: SECRET, webhookId: 'wh-replayed-2' });
    expect([first.status, replay.status]).toEqual([202, 200]);
    expect(JSON.parse(replay.responseBody)).toEqual({ status: 'duplicate' });
    expect(await h.worker.drain()).toBe(1);
    expect(h.recorder.calls).toHaveLength(1);
    expect((await h.rows()).map((r) => r.delivery_id)).toEqual(['wh-original-1']);
  });

  it.each([
    'incident.triggered',
    'incident.acknowledged',
    'incident.resolved',
    'incident.annotated',
  ] as const)('hands %s to the consumer', async (type) => {
    h = await serve();
    const sent = await deliver({ type, incidentId, note: 'rolled back' }, { secret: SECRET });
    expect(sent.status).toBe(202);
    await h.worker.drain();
    expect(h.recorder.calls.map((c) => c.source === 'pagerduty' && c.event.event_type)).toEqual([
      type,
    ]);
  });

  it('answers other event types 2xx and drops them', async () => {
    h = await serve();
    const sent = await deliver(
      { type: 'incident.priority_updated', incidentId },
      { secret: SECRET },
    );
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.responseBody)).toEqual({
      status: 'ignored',
      event_type: 'incident.priority_updated',
    });
    expect(await h.rows()).toEqual([]);
    expect(h.logs.find('webhook ignored')).toHaveLength(1);
  });

  it('stores recorded V3 bodies; answers 400 with the problems to a broken one', async () => {
    h = await serve();
    const ok = await deliver(fixture('webhook-incident-triggered-alertmanager.json'), {
      secret: SECRET,
    });
    expect(ok.status).toBe(202);
    const broken = await deliver(fixture('webhook-broken.json'), { secret: SECRET });
    expect(broken.status).toBe(400);
    const body = JSON.parse(broken.responseBody) as { problems: string[] };
    expect(body.problems.join('\n')).toMatch(/event\.occurred_at/);
    const notJson = await deliver('{"event": ', { secret: SECRET });
    expect(notJson.status).toBe(400);
    expect(
      await metricValue(h.metrics, 'mc_webhooks_total{source="pagerduty",outcome="invalid"}'),
    ).toBe(2);
  });

  it('answers 413 over 1 MiB and 415 to a non-JSON type', async () => {
    h = await serve();
    const big = await deliver(Buffer.alloc(1024 * 1024 + 10, 0x20), { secret: SECRET });
    expect(big.status).toBe(413);
    const form = await deliver(pd.webhookBody(triggered()), {
      secret: SECRET,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });

  it('refuses every delivery with 503 when no secret is configured', async () => {
    h = await serve({ pagerdutySecrets: [] });
    expect((await deliver(triggered(), { secret: SECRET })).status).toBe(503);
    expect(h.logs.text()).toContain('set PAGERDUTY_WEBHOOK_SECRET');
  });
});
