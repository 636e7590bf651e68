import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/observability.ts';
import { AlertmanagerError } from '../../../src/adapters/alertmanager/alertmanager-error.ts';
import {
  createAlertmanagerClient,
  formatMatcher,
} from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import {
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../../support/alertmanager.ts';
import { requireBinary } from '../../support/prometheus.ts';

const ALERTMANAGER = requireBinary('prometheus-alertmanager');

async function failure(promise: Promise<unknown>): Promise<AlertmanagerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlertmanagerError);
  return error as AlertmanagerError;
}

describe('adapters/alertmanager/format-matcher', () => {
  it.each([
    [{ name: 'alertname', value: 'Foo', isRegex: false, isEqual: true }, 'alertname="Foo"'],
    [{ name: 'service', value: 'check.*', isRegex: true, isEqual: true }, 'service=~"check.*"'],
    [{ name: 'env', value: 'prod', isRegex: false, isEqual: false }, 'env!="prod"'],
    [{ name: 'env', value: 'dev|qa', isRegex: true, isEqual: false }, 'env!~"dev|qa"'],
    [
      { name: 'summary', value: 'say "hi"\\', isRegex: false, isEqual: true },
      'summary="say \\"hi\\"\\\\"',
    ],
  ])('writes %o as %s', (matcher, text) => {
    expect(formatMatcher(matcher)).toBe(text);
  });
});

describe.skipIf(!ALERTMANAGER)('adapters/alertmanager against a real Alertmanager', () => {
  let am: TestAlertmanager;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    // Notifications are not under test here: hold them back for the whole file.
    am = await startAlertmanager({ binary: ALERTMANAGER, webhookUrl: hook.url, groupWait: '1h' });
    // Alerts arrive from Prometheus in real use; post two the same way it does.
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ['checkout', 'search'].map((service) => ({
          labels: { alertname: 'HighErrorRate', service, severity: 'page' },
          annotations: { summary: `${service} errors` },
          startsAt: new Date().toISOString(),
        })),
      ),
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await am?.close();
    await hook?.close();
  });

  it('reports its status: version, no clustering', async () => {
    const status = await am.client.status();
    expect(status.cluster.status).toBe('disabled');
    expect(status.versionInfo.version).toMatch(/^0\.\d+\.\d+/);
  });

  it('lists alerts, filtered by label matchers', async () => {
    const all = await am.client.alerts();
    expect(all.map((a) => a.labels.service).sort()).toEqual(['checkout', 'search']);
    const one = await am.client.alerts({
      filter: [{ name: 'service', value: 'check.*', isRegex: true }],
    });
    expect(one.map((a) => a.labels.service)).toEqual(['checkout']);
    const none = await am.client.alerts({ filter: [{ name: 'service', value: 'say "hi"' }] });
    expect(none).toEqual([]);
  });

  it('creates a silence, reads it back, sees it mute the alert, and expires it', async () => {
    const startsAt = new Date();
    const id = await am.client.createSilence({
      matchers: [
        { name: 'alertname', value: 'HighErrorRate' },
        { name: 'service', value: 'search' },
      ],
      startsAt,
      endsAt: new Date(startsAt.getTime() + 30 * 60_000),
      createdBy: 'U123 via mc',
      comment: 'rollback of search in progress',
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const silence = await am.client.getSilence(id);
    expect(silence).toMatchObject({
      id,
      status: { state: 'active' },
      createdBy: 'U123 via mc',
      comment: 'rollback of search in progress',
      matchers: [
        { name: 'alertname', value: 'HighErrorRate', isRegex: false, isEqual: true },
        { name: 'service', value: 'search', isRegex: false, isEqual: true },
      ],
    });

    const unsilenced = await am.client.alerts({ silenced: false });
    expect(unsilenced.map((a) => a.labels.service)).toEqual(['checkout']);
    const silenced = await am.client.alerts({
      silenced: true,
      filter: [{ name: 'service', value: 'search' }],
    });
    expect(silenced[0]?.status).toMatchObject({ state: 'suppressed', silencedBy: [id] });

    await am.client.expireSilence(id);
    expect((await am.client.getSilence(id))?.status.state).toBe('expired');
    expect(
      (await am.client.alerts({ silenced: false })).map((a) => a.labels.service).sort(),
    ).toEqual(['checkout', 'search']);
  });

  it('answers undefined for a silence it does not know', async () => {
    expect(await am.client.getSilence('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it.each([
    [
      'a malformed silence id',
      () => am.client.getSilence('not-a-uuid'),
      422,
      /must be of type uuid/,
    ],
    [
      'a silence without matchers',
      () =>
        am.client.createSilence({
          matchers: [],
          startsAt: new Date(),
          endsAt: new Date(Date.now() + 60_000),
          createdBy: 'mc',
          comment: 'x',
        }),
      422,
      /at least 1 items/,
    ],
    [
      'a silence ending before it starts',
      () =>
        am.client.createSilence({
          matchers: [{ name: 'alertname', value: 'X' }],
          startsAt: new Date(),
          endsAt: new Date(Date.now() - 60_000),
          createdBy: 'mc',
          comment: 'x',
        }),
      400,
      /end time/i,
    ],
  ])(
    'turns %s into an AlertmanagerError with its message',
    async (_what, call, status, message) => {
      const error = await failure(call());
      expect(error).toMatchObject({ kind: 'http', status });
      expect(error.message).toMatch(message);
    },
  );

  it('reports a closed port as unreachable, naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const client = createAlertmanagerClient({
      url,
      timeoutMs: 2_000,
      log: createLogger({ level: 'silent' }),
    });
    const error = await failure(client.status());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(url);
  });
});
