import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerClient } from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import {
  createAlertmanagerApi,
  type HeldAlert,
} from '../../../src/sandbox/prometheus/alertmanager-api.ts';
import {
  type SimulatedPrometheus,
  startSimulatedPrometheus,
} from '../../../src/sandbox/prometheus/prometheus-server.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

function held(alertname: string, service: string): HeldAlert {
  return {
    labels: { alertname, service, env: 'staging', severity: 'critical' },
    annotations: { summary: `${alertname} on ${service}` },
    startsAt: '2026-12-07T03:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://127.0.0.1/graph',
    fingerprint: `${alertname}-${service}`,
  };
}

describe('sandbox/prometheus/alertmanager-api (through the bot’s own Alertmanager client)', () => {
  const firing = [held('KubePodCrashLooping', 'checkout'), held('HighErrorRate', 'gateway')];
  let prom: SimulatedPrometheus;
  const client = () =>
    createAlertmanagerClient({
      url: `${prom.url}/alertmanager`,
      timeoutMs: 2_000,
      log: createLogger({ level: 'silent' }),
    });

  beforeAll(async () => {
    prom = await startSimulatedPrometheus({
      source: () => ({ at: Date.now(), envs: [], pods: [] }),
      alertmanager: createAlertmanagerApi(() => firing),
    });
  });
  afterAll(() => prom.close());

  it('lists what the scenarios hold firing, filtered by label matchers', async () => {
    const all = await client().alerts({ active: true, silenced: false, inhibited: false });
    expect(all.map((a) => a.labels.alertname).sort()).toEqual([
      'HighErrorRate',
      'KubePodCrashLooping',
    ]);
    const checkout = await client().alerts({
      filter: [{ name: 'service', value: 'checkout' }],
      active: true,
    });
    expect(checkout.map((a) => a.fingerprint)).toEqual(['KubePodCrashLooping-checkout']);
    expect((await client().status()).versionInfo.version).toBe('sandbox');
  });

  it('a silence hides its alerts from unsilenced reads until it is expired', async () => {
    const now = Date.now();
    const id = await client().createSilence({
      matchers: [{ name: 'service', value: 'gateway' }],
      startsAt: new Date(now - 1_000),
      endsAt: new Date(now + 3_600_000),
      createdBy: 'U05OLIVE06',
      comment: 'known 5xx during the migration',
    });
    const unsilenced = await client().alerts({ silenced: false });
    expect(unsilenced.map((a) => a.labels.service)).toEqual(['checkout']);
    expect((await client().getSilence(id))?.status.state).toBe('active');
    expect((await client().listSilences()).map((s) => s.id)).toContain(id);
    await client().expireSilence(id);
    expect((await client().getSilence(id))?.status.state).toBe('expired');
    expect(await client().alerts({ silenced: false })).toHaveLength(2);
  });
});
