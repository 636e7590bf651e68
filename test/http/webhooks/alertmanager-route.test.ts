import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.ts';
import { REPO_ROOT } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { type Harness, type HarnessOptions, metricValue, startHarness } from './harness.ts';
import { openInboxDb } from './inbox-db.ts';

const TOKEN = 'am-token-0c9f3e71b2d84a56';
const fixture = (name: string) =>
  fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/alertmanager', name), 'utf8');
const FIRING = fixture('webhook-firing.json');

function post(h: Harness, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${h.url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body,
  });
}

// Streams the body in chunks without Content-Length, as a chunked upload.
function postChunked(url: string, chunk: Buffer, times: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < times; i += 1) req.write(chunk);
    req.end();
  });
}

describe('src/http/webhooks/alertmanager-route', () => {
  let h: Harness;
  let db: Db;
  let dispose: () => Promise<void>;
  // One PGlite for the file (opening one takes seconds); each harness empties it.
  beforeAll(async () => {
    ({ db, dispose } = await openInboxDb('pglite', captureLogs().log));
  });
  afterAll(async () => dispose?.());
  afterEach(async () => h?.close());
  const serve = (options: HarnessOptions) => startHarness({ ...options, db });

  it('answers 202 only once the delivery is stored, and does not wait for processing', async () => {
    let release = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The consumer hangs on every call: acceptance must not depend on it.
    h = await serve({
      alertmanagerToken: TOKEN,
      before: () => blocked,
      startWorker: true,
      acceptDelayMs: 100,
    });
    const started = performance.now();
    const first = await post(h, FIRING);
    expect(first.status).toBe(202);
    const answer = (await first.json()) as { status: string; id: string };
    expect(answer.status).toBe('accepted');
    // Read straight after the answer: the row is there, with the body as sent.
    const [row] = await h.rows();
    expect(row).toMatchObject({ source: 'alertmanager', payload: JSON.parse(FIRING) });
    expect(row?.delivery_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const n of [1, 2, 3]) {
      const res = await post(h, FIRING.replace('"groupKey": "', `"groupKey": "${n}`));
      expect(res.status).toBe(202);
    }
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeLessThan(3000);
    expect(h.recorder.calls).toHaveLength(0);
    expect(await h.inbox.counts()).toMatchObject({ pending: 3, processing: 1 });
    release();
    await h.recorder.waitFor(() => h.recorder.calls.length === 4);
    expect(h.recorder.calls[0]).toMatchObject({
      source: 'alertmanager',
      webhook: {
        groupKey: '{}:{alertname="ProbeValueHigh"}',
        alerts: [{ fingerprint: 'daad44c7977a6d99' }],
      },
      meta: { inboxId: answer.id, attempt: 1 },
    });
  });

  it('answers a retry of the same notification 200 duplicate and processes it once', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    expect((await post(h, FIRING)).status).toBe(202);
    const again = await post(h, FIRING);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await h.worker.drain()).toBe(1);
    expect(h.recorder.calls).toHaveLength(1);
    expect(
      await metricValue(h.metrics, 'mc_webhooks_total{source="alertmanager",outcome="duplicate"}'),
    ).toBe(1);
  });

  it('refuses a wrong or missing token with 401 and WWW-Authenticate, logging no token', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    const wrong = await post(h, FIRING, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="mc", error="invalid_token"');
    const basic = await post(h, FIRING, { authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
    const missing = await fetch(`${h.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: FIRING,
    });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="mc"');
    expect(await h.rows()).toEqual([]);
    expect(
      await metricValue(
        h.metrics,
        'mc_webhooks_total{source="alertmanager",outcome="unauthorized"}',
      ),
    ).toBe(3);
    expect(h.logs.find('webhook unauthorized').map((l) => l.reason)).toEqual([
      'invalid',
      'invalid',
      'missing',
    ]);
    expect(h.logs.text()).not.toContain('not-the-token-at-all');
    expect(h.logs.text()).not.toContain(TOKEN);
  });

  it('refuses everything with 503 when no token is configured, and says which variable to set', async () => {
    h = await serve({});
    for (const authorization of [`Bearer ${TOKEN}`, '']) {
      const res = await post(h, FIRING, { authorization });
      expect(res.status).toBe(503);
    }
    expect(await h.rows()).toEqual([]);
    const warnings = h.logs.find(
      'refusing Alertmanager webhooks with 503: set ALERTMANAGER_WEBHOOK_TOKEN (at least 16 characters) ' +
        'and the same value as http_config.authorization.credentials of the webhook receiver in alertmanager.yml',
    );
    expect(warnings).toHaveLength(1); // once a minute, not once per request
    expect(
      await metricValue(
        h.metrics,
        'mc_webhooks_total{source="alertmanager",outcome="unconfigured"}',
      ),
    ).toBe(2);
  });

  it('answers 413 over 1 MiB, declared or streamed in chunks, and stays up', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await post(h, big)).status).toBe(413);
    expect(await postChunked(h.url, Buffer.alloc(64 * 1024, 0x20), 17)).toBe(413);
    // Exactly at the limit is accepted (trailing spaces are valid JSON).
    const atLimit = Buffer.concat([
      Buffer.from(FIRING),
      Buffer.alloc(1024 * 1024 - FIRING.length, 0x20),
    ]);
    expect((await post(h, atLimit)).status).toBe(202);
    expect(
      await metricValue(h.metrics, 'mc_webhooks_total{source="alertmanager",outcome="too_large"}'),
    ).toBe(2);
  });

  it('answers 415 to a body that is not declared JSON', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    const res = await post(h, FIRING, { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(
      (await post(h, FIRING, { 'content-type': 'application/json; charset=utf-8' })).status,
    ).toBe(202);
  });

  it.each([
    ['webhook-broken-not-json.txt', /^body is not JSON/],
    ['webhook-broken-missing-alerts.json', /^alerts: is required$/],
    ['webhook-broken-wrong-version.json', /^version: must be "4"/],
    ['webhook-broken-alert-fields.json', /^alerts\.0\.status: /],
  ])('answers 400 to %s, listing the problems', async (name, problem) => {
    h = await serve({ alertmanagerToken: TOKEN });
    const res = await post(h, fixture(name));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.error).toBe('not an Alertmanager webhook (payload version 4)');
    expect(body.problems.some((p) => problem.test(p))).toBe(true);
    expect(await h.rows()).toEqual([]);
  });

  it('answers 400 to a body the store cannot hold (U+0000) instead of failing forever', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    const res = await post(h, FIRING.replace('probe value is 1', 'probe\\u0000value'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('\\u0000') });
  });

  it('answers 400, not 503, to a body nested 5,000 levels deep, and stores nothing', async () => {
    h = await serve({ alertmanagerToken: TOKEN });
    const deep = FIRING.replace('"probe value is 1"', `${'['.repeat(5000)}${']'.repeat(5000)}`);
    const res = await post(h, deep);
    expect(res.status).toBe(400);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({
      error: 'JSON nested deeper than 64 levels; it can never be stored',
    });
    expect(await h.rows()).toEqual([]);
    // Brackets inside strings are text, not nesting.
    const quoted = FIRING.replace('probe value is 1', '['.repeat(5000));
    expect((await post(h, quoted)).status).toBe(202);
  });

  it('answers 503 with Retry-After when the inbox is down, so Alertmanager retries', async () => {
    h = await serve({
      alertmanagerToken: TOKEN,
      inbox: { accept: () => Promise.reject(new Error('connection refused')) },
    });
    const res = await post(h, FIRING);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(h.logs.find('webhook not stored: inbox unavailable')).toHaveLength(1);
    expect(
      await metricValue(h.metrics, 'mc_webhooks_total{source="alertmanager",outcome="error"}'),
    ).toBe(1);
    expect(await metricValue(h.metrics, 'mc_webhook_seconds_count{source="alertmanager"}')).toBe(1);
  });
});
