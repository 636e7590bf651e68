import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parsePagerDutyWebhook,
  verifyPagerDutySignature,
} from '../../../src/adapters/pagerduty/verify-webhook.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SECRET = 'whsec-0123456789abcdef';

describe('src/sandbox/pagerduty/webhook', () => {
  let emulator: PagerDutyEmulator;
  let receiver: Server;
  let receiverUrl: string;
  let received: Received[];
  let incidentId: string;

  beforeEach(async () => {
    emulator = await startPagerDutyEmulator();
    const service = emulator.seedService({ name: 'checkout (prod)' });
    incidentId = emulator.seedIncident({
      title: '[FIRING:2] KubePodCrashLooping prod (checkout kube-state-metrics critical)',
      serviceId: service.id,
      priority: 'P1',
      assignees: ['alice@example.com'],
    }).id;
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(202).end('accepted');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/pagerduty`;
  });

  afterEach(async () => {
    await emulator.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('delivers a signed V3 event that the verifier accepts and the parser reads', async () => {
    const delivery = await emulator.deliverWebhook(
      receiverUrl,
      { type: 'incident.triggered', incidentId, client: { name: 'Alertmanager' } },
      { secret: SECRET, webhookId: 'wh-1' },
    );
    expect(delivery.status).toBe(202);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'PagerDuty-Webhook/V3.0',
      'x-webhook-id': 'wh-1',
      'x-webhook-subscription': expect.stringMatching(/^P/),
      'x-pagerduty-signature': expect.stringMatching(/^v1=[0-9a-f]{64}$/),
    });
    expect(body.equals(delivery.rawBody)).toBe(true);
    expect(
      verifyPagerDutySignature(body, headers['x-pagerduty-signature'] as string, [SECRET]),
    ).toBe(true);
    expect(
      verifyPagerDutySignature(body, headers['x-pagerduty-signature'] as string, ['other']),
    ).toBe(false);

    const parsed = parsePagerDutyWebhook(body);
    if (!parsed.ok) throw new Error(parsed.error);
    const incident = emulator.incident(incidentId)!;
    expect(parsed.event).toMatchObject({
      event_type: 'incident.triggered',
      resource_type: 'incident',
      agent: { type: 'service_reference' },
      client: { name: 'Alertmanager' },
      data: {
        id: incidentId,
        type: 'incident',
        number: incident.incident_number,
        status: 'triggered',
        title: incident.title,
        incident_key: incident.incident_key,
        priority: { summary: 'P1' },
        assignees: [{ summary: 'alice' }],
      },
    });
  });

  it('signs once per secret during a rotation', async () => {
    await emulator.deliverWebhook(
      receiverUrl,
      { type: 'incident.resolved', incidentId },
      { secret: 'old-secret-1234', secrets: [SECRET] },
    );
    const { headers, body } = received[0]!;
    const signature = headers['x-pagerduty-signature'] as string;
    expect(signature.split(',')).toHaveLength(2);
    expect(verifyPagerDutySignature(body, signature, [SECRET])).toBe(true);
    expect(verifyPagerDutySignature(body, signature, ['old-secret-1234'])).toBe(true);
  });

  it('describes an acknowledgement by the user who made it', async () => {
    const response = await fetch(`${emulator.url}/incidents/${incidentId}`, {
      method: 'PUT',
      headers: {
        authorization: `Token token=${emulator.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
        from: 'bob@example.com',
      },
      body: JSON.stringify({ incident: { type: 'incident_reference', status: 'acknowledged' } }),
    });
    expect(response.status).toBe(200);
    const body = emulator.webhookBody({ type: 'incident.acknowledged', incidentId });
    expect(body.event).toMatchObject({
      event_type: 'incident.acknowledged',
      agent: { type: 'user_reference', summary: 'bob' },
      data: { status: 'acknowledged' },
    });
  });

  it('sends incident.annotated with an incident_note, as PagerDuty does', async () => {
    await emulator.deliverWebhook(
      receiverUrl,
      { type: 'incident.annotated', incidentId, note: 'rolled back to v1.4.1' },
      { secret: SECRET },
    );
    const parsed = parsePagerDutyWebhook(received[0]!.body);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.event.data).toMatchObject({
      type: 'incident_note',
      content: 'rolled back to v1.4.1',
      incident: { id: incidentId, type: 'incident_reference' },
    });
  });

  it('replays exact bytes and lets a test forge the signature', async () => {
    const raw = Buffer.from('{"event":{"id":"x"}}');
    const delivery = await emulator.deliverWebhook(receiverUrl, raw, {
      secret: SECRET,
      headers: { 'X-PagerDuty-Signature': 'v1=deadbeef' },
    });
    expect(delivery.status).toBe(202);
    expect(received[0]!.body.equals(raw)).toBe(true);
    expect(received[0]!.headers['x-pagerduty-signature']).toBe('v1=deadbeef');
    expect(verifyPagerDutySignature(raw, 'v1=deadbeef', [SECRET])).toBe(false);
  });
});
