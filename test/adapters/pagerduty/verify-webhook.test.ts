import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parsePagerDutyWebhook,
  verifyPagerDutySignature,
} from '../../../src/adapters/pagerduty/verify-webhook.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/pagerduty');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

const BODY = fixture('webhook-incident-triggered-alertmanager.json');
const CURRENT = 'whsec-current-0123456789';
const PREVIOUS = 'whsec-previous-9876543210';
const sign = (secret: string, body: Buffer = BODY) =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('src/adapters/pagerduty/verify-webhook', () => {
  describe('verifyPagerDutySignature', () => {
    it.each([
      ['a valid signature', `v1=${sign(CURRENT)}`, [CURRENT], true],
      ['upper-case hex', `v1=${sign(CURRENT).toUpperCase()}`, [CURRENT], true],
      [
        'rotation: two signatures, only the second matches',
        `v1=${sign('some-old-secret')},v1=${sign(CURRENT)}`,
        [CURRENT],
        true,
      ],
      [
        'rotation with spaces after commas',
        `v1=${sign('old')}, v1=${sign(CURRENT)}`,
        [CURRENT],
        true,
      ],
      [
        'our side rotating: second configured secret matches',
        `v1=${sign(PREVIOUS)}`,
        [CURRENT, PREVIOUS],
        true,
      ],
      ['signed with another secret', `v1=${sign('attacker')}`, [CURRENT], false],
      ['signature of another body', `v1=${sign(CURRENT, Buffer.from('{}'))}`, [CURRENT], false],
      ['missing header', undefined, [CURRENT], false],
      ['empty header', '', [CURRENT], false],
      ['no version prefix', sign(CURRENT), [CURRENT], false],
      ['malformed hex', `v1=${sign(CURRENT).slice(0, 63)}z`, [CURRENT], false],
      ['truncated signature', `v1=${sign(CURRENT).slice(0, 32)}`, [CURRENT], false],
      ['unknown version only', `v2=${sign(CURRENT)}`, [CURRENT], false],
      ['unknown version ignored next to a valid v1', `v0=abc,v1=${sign(CURRENT)}`, [CURRENT], true],
      ['no configured secret', `v1=${sign(CURRENT)}`, [], false],
      ['empty configured secret', `v1=${sign('')}`, [''], false],
    ])('%s', (_name, header, secrets, expected) => {
      expect(verifyPagerDutySignature(BODY, header, secrets)).toBe(expected);
    });

    it('checks the raw bytes, so re-serialized JSON does not verify', () => {
      const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8'))));
      expect(reformatted.equals(BODY)).toBe(false);
      expect(verifyPagerDutySignature(reformatted, `v1=${sign(CURRENT)}`, [CURRENT])).toBe(false);
    });
  });

  describe('parsePagerDutyWebhook', () => {
    it.each([
      ['webhook-incident-triggered-alertmanager.json', 'incident.triggered', 'incident'],
      ['webhook-incident-triggered-manual.json', 'incident.triggered', 'incident'],
      ['webhook-incident-acknowledged.json', 'incident.acknowledged', 'incident'],
      ['webhook-incident-resolved.json', 'incident.resolved', 'incident'],
      ['webhook-incident-annotated.json', 'incident.annotated', 'incident_note'],
    ])('parses %s', (name, eventType, dataType) => {
      const parsed = parsePagerDutyWebhook(fixture(name));
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.event.event_type).toBe(eventType);
      expect(parsed.event.data.type).toBe(dataType);
    });

    it('keeps what the triage needs from an Alertmanager-triggered incident', () => {
      const parsed = parsePagerDutyWebhook(BODY);
      if (!parsed.ok) throw new Error(parsed.error);
      const data = parsed.event.data;
      expect(data).toMatchObject({
        type: 'incident',
        number: 4812,
        status: 'triggered',
        urgency: 'high',
        title: '[FIRING:2] KubePodCrashLooping prod (checkout kube-state-metrics critical)',
        incident_key: 'c02987a97f3f0656c7d82141e07305f3a2b2d913ce00a9b29d47c7596a613662',
        service: { id: 'PCHKOUT', summary: 'checkout (prod)' },
      });
    });

    it('keeps unknown fields', () => {
      const parsed = parsePagerDutyWebhook(fixture('webhook-incident-triggered-manual.json'));
      if (!parsed.ok) throw new Error(parsed.error);
      expect((parsed.event.data as Record<string, unknown>).incident_type).toEqual({
        name: 'incident_default',
      });
    });

    it('accepts event types it does not interpret', () => {
      const body = {
        event: {
          id: '01BRB6ZP4M6T8ZG4X6BP63ZB9O',
          event_type: 'service.updated',
          resource_type: 'service',
          occurred_at: '2021-03-02T13:35:11.682Z',
          agent: null,
          client: null,
          data: { id: 'PF9KMXH', type: 'service', summary: 'testing service updates' },
        },
      };
      const parsed = parsePagerDutyWebhook(JSON.stringify(body));
      expect(parsed).toMatchObject({ ok: true, event: { event_type: 'service.updated' } });
    });

    it('says which fields of the broken body are wrong', () => {
      const parsed = parsePagerDutyWebhook(fixture('webhook-broken.json'));
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.error).toMatch(/^PagerDuty webhook body is not a V3 event: /);
      expect(parsed.error).toContain('event.id:');
      expect(parsed.error).toContain('event.occurred_at:');
      expect(parsed.error).toContain('event.data.title:');
      expect(parsed.error).toContain('event.data.status:');
      // The union branches that do not apply stay out of the message.
      expect(parsed.error).not.toContain('incident_note');
    });

    it.each([
      ['not JSON', '{"event": {', /not JSON/],
      ['no event', '{"messages": []}', /event: /],
      [
        'data without type',
        JSON.stringify({
          event: {
            id: 'x',
            event_type: 'incident.triggered',
            resource_type: 'incident',
            occurred_at: '2026-11-22T03:14:07Z',
            data: { id: 'P1' },
          },
        }),
        /event\.data\.type: /,
      ],
    ])('rejects %s with a clear error', (_name, body, message) => {
      const parsed = parsePagerDutyWebhook(Buffer.from(body));
      expect(parsed).toMatchObject({ ok: false, error: expect.stringMatching(message) });
    });
  });
});
