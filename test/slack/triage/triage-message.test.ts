import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRIAGE_ACTIONS } from '../../../src/findings/triage-actions.ts';
import { amWebhook } from '../../triage/world.ts';
import {
  buttonValue,
  CHECKOUT_CHANNEL,
  PD_SECRET,
  readable,
  startTriageWorld,
  type TriageWorld,
} from './world.ts';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('src/slack/triage (webhook → inbox → consumer → ONE Slack message per incident)', () => {
  let world: TriageWorld;
  beforeEach(async () => {
    world = await startTriageWorld({ minPostIntervalMs: 1000 });
  });
  afterEach(async () => {
    await world.close();
  });

  it('posts one message when an incident opens, then edits it as alerts join and resolve', async () => {
    const startsAt = ago(2);
    expect(
      await world.deliver(
        amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'a1', startsAt }]),
      ),
    ).toBe(202);
    const [posted] = await world.until(
      'the incident message',
      () => world.posts()[0] && world.posts(),
    );
    expect(readable(posted!)).toMatch(/checkout\/prod: KubePodCrashLooping/);
    expect(readable(posted!)).toMatch(/Return crash-looping pods to the previous revision/);
    expect(readable(posted!)).toMatch(/k8s\.rollout-undo/);
    expect(buttonValue(posted!, TRIAGE_ACTIONS.run)).toMatch(/^inc-\d+:pod-crashloop$/);

    await world.deliver(
      amWebhook([{ name: 'KubePodNotReady', fingerprint: 'a2', startsAt: ago(1) }]),
    );
    await world.until('the second alert on the message', () =>
      /KubePodNotReady/.test(readable(world.posts()[0]!)),
    );
    expect(world.posts()).toHaveLength(1);
    expect(world.slack.calls('chat.postMessage')).toHaveLength(1);

    const both = [
      { name: 'KubePodCrashLooping', fingerprint: 'a1', startsAt, endsAt: ago(0) },
      { name: 'KubePodNotReady', fingerprint: 'a2', startsAt: ago(1), endsAt: ago(0) },
    ];
    await world.deliver(amWebhook(both, { status: 'resolved' }));
    const resolved = await world.until('resolved', () => {
      const m = world.posts()[0];
      return m && /— resolved/.test(readable(m)) && m;
    });
    expect(buttonValue(resolved, TRIAGE_ACTIONS.run)).toBeUndefined();
    expect(readable(resolved)).toMatch(/Every signal is resolved/);
    expect(world.posts()).toHaveLength(1);
    // The same resolution again (at-least-once): nothing more is sent.
    const calls = world.slack.calls().length;
    await world.deliver(amWebhook(both, { status: 'resolved', groupKey: 'other' }));
    await world.worker.drain();
    await world.triage.poster.idle();
    expect(world.slack.calls().length).toBe(calls);
  });

  it('a signal after every signal resolved posts a NEW message (it notifies) linked to the old one, which stays as it was', async () => {
    const startsAt = ago(5);
    await world.deliver(amWebhook([{ name: 'QueueBacklog', fingerprint: 'q1', startsAt }]));
    await world.until('the first message', () => world.posts()[0]);
    await world.deliver(
      amWebhook([{ name: 'QueueBacklog', fingerprint: 'q1', startsAt, endsAt: ago(1) }], {
        status: 'resolved',
      }),
    );
    const resolved = await world.until('resolved', () => {
      const m = world.posts()[0];
      return m && /— resolved/.test(readable(m)) && m;
    });
    const first = /incident `(inc-\d+)`/.exec(readable(resolved))?.[1];
    expect(first).toBeDefined();
    const edits = resolved.edits;

    await world.deliver(amWebhook([{ name: 'TargetDown', fingerprint: 't1', startsAt: ago(0) }]));
    const [, second] = await world.until(
      'a second message',
      () => world.posts()[1] && world.posts(),
    );
    expect(readable(second!)).toMatch(/checkout\/prod: TargetDown/);
    expect(readable(second!)).toContain(`Follows*\n\`${first}\` (resolved; signals came back)`);
    expect(readable(second!)).not.toMatch(/QueueBacklog/);
    expect(world.slack.calls('chat.postMessage')).toHaveLength(2);
    await world.triage.poster.idle();
    expect(world.posts()[0]?.edits).toBe(edits);
    expect(readable(world.posts()[0]!)).toMatch(/— resolved/);
    // The old message says where its signals went, in its thread.
    const replies = world.slack
      .messages(CHECKOUT_CHANNEL)
      .filter((m) => m.threadTs === resolved.ts);
    const secondId = /incident `(inc-\d+)`/.exec(readable(second!))?.[1];
    expect(replies.map((m) => m.text)).toEqual([
      `:arrows_counterclockwise: Signals came back after this incident was resolved: see ${secondId}.`,
    ]);
  });

  it('shows alert and PagerDuty text as text: no broadcast, group ping or foreign link', async () => {
    await world.close();
    world = await startTriageWorld({ minPostIntervalMs: 100, pagerduty: true });
    const pd = world.pd!;
    const page = pd.seedIncident({
      title: '<!subteam^S01SRELEAD> <@U0CEO0001> checkout down',
      serviceId: 'PCHK7Q2',
      urgency: 'high',
    });
    const body = pd.webhookBody({ type: 'incident.triggered', incidentId: page.id });
    const data = body.event.data as { html_url: string; title: string };
    data.html_url =
      'https://acme.pagerduty.com/incidents/1|PagerDuty> <!channel> <https://evil.example/phish';
    data.title = page.title;
    expect(
      (await pd.deliverWebhook(`${world.baseUrl}/webhooks/pagerduty`, body, { secret: PD_SECRET }))
        .status,
    ).toBe(202);
    const alert = amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'x1', startsAt: ago(1) }]);
    alert.alerts[0]!.annotations.summary =
      '<!channel> pods <https://evil.example|https://good.example>';
    alert.alerts[0]!.labels.team = '<!here>';
    alert.alerts[0]!.generatorURL =
      'https://prom.example/graph|Prometheus> <!everyone> <https://evil.example';
    expect(await world.deliver(alert)).toBe(202);
    const message = await world.until('one message with both signals', () => {
      const m = world.posts()[0];
      return m && /KubePodCrashLooping/.test(readable(m)) && /PagerDuty #/.test(readable(m)) && m;
    });
    const posted = JSON.stringify({ text: message.text, blocks: message.blocks });
    expect(posted).not.toMatch(/<!(channel|here|everyone|subteam)/);
    expect(posted).not.toMatch(/<@U0CEO0001>/);
    expect(posted).not.toMatch(/<https:\/\/evil/);
    expect(readable(message)).toContain(
      '&lt;!subteam^S01SRELEAD&gt; &lt;@U0CEO0001&gt; checkout down',
    );
  });

  it('keeps one message per incident under a burst, coalescing updates at ≤ 1 call/s', async () => {
    await world.deliver(amWebhook([{ name: 'QueueBacklog', fingerprint: 'b0', startsAt: ago(3) }]));
    await world.until('the first message', () => world.posts()[0]);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        world.deliver(
          amWebhook([{ name: `QueueDepthHigh${i}`, fingerprint: `b${i + 1}`, startsAt: ago(2) }]),
        ),
      ),
    );
    await world.until(
      'all 13 signals on the message',
      () => /QueueBacklog and 12 more/.test(readable(world.posts()[0]!)),
      15_000,
    );
    await world.triage.poster.idle();
    const calls = world.slack.calls().filter((c) => c.method.startsWith('chat.'));
    expect(world.posts()).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    // 12 deliveries, far fewer edits: waiting updates of one message collapse into the latest.
    expect(calls.filter((c) => c.method === 'chat.update').length).toBeLessThanOrEqual(4);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
  });

  it('edits one incident at most once per 5 call slots; the last edit has the latest state', async () => {
    await world.close();
    // Calls at least 100 ms apart in a channel, so one message's edits at least 500 ms apart.
    world = await startTriageWorld({ minPostIntervalMs: 100 });
    await world.deliver(amWebhook([{ name: 'QueueBacklog', fingerprint: 'w0', startsAt: ago(3) }]));
    await world.until('the first message', () => world.posts()[0]);
    for (let i = 1; i <= 10; i += 1) {
      await world.deliver(
        amWebhook([{ name: `QueueDepthHigh${i}`, fingerprint: `w${i}`, startsAt: ago(2) }]),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await world.until(
      'all 11 signals on the message',
      () => /QueueBacklog and 10 more/.test(readable(world.posts()[0]!)),
      15_000,
    );
    await world.triage.poster.idle();
    const updates = world.slack.calls().filter((c) => c.method === 'chat.update');
    expect(world.posts()).toHaveLength(1);
    const span = updates.at(-1)!.at - updates[0]!.at;
    // 10 changes, at least 100 ms apart: without the window nearly each would be an edit.
    expect(updates.length).toBeLessThanOrEqual(Math.floor(span / 500) + 2);
    expect(updates.length).toBeLessThan(10);
  });

  it('honours 429 Retry-After from Slack, then delivers the latest state', async () => {
    world.slack.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 2 });
    await world.deliver(amWebhook([{ name: 'QueueBacklog', fingerprint: 'r1', startsAt: ago(3) }]));
    const posted = await world.until('a message after the 429', () => world.posts()[0], 10_000);
    const [limited, ok] = world.slack.calls('chat.postMessage');
    expect(limited?.status).toBe(429);
    expect(ok!.at - limited!.at).toBeGreaterThanOrEqual(2000);
    expect(readable(posted)).toMatch(/QueueBacklog/);

    world.slack.failNext('chat.update', { kind: 'rate_limited', retryAfterSeconds: 1 });
    await world.deliver(
      amWebhook([{ name: 'QueueDepthHigh', fingerprint: 'r2', startsAt: ago(2) }]),
    );
    await world.until(
      'the update after its 429',
      () => world.slack.calls('chat.update').find((c) => c.status === 200),
      10_000,
    );
    const [limitedUpdate, update] = world.slack.calls('chat.update');
    expect(update!.at - limitedUpdate!.at).toBeGreaterThanOrEqual(1000);
    expect(readable(world.posts()[0]!)).toMatch(/QueueDepthHigh/);
    expect(world.posts()).toHaveLength(1);
  });

  it('posts on start what a crash left unpublished (the incident was stored, its message not)', async () => {
    // A process that died between committing the incident and posting: nothing published.
    world.triage.service.setPublisher({ publish() {} });
    await world.deliver(amWebhook([{ name: 'QueueBacklog', fingerprint: 'u1', startsAt: ago(3) }]));
    let stored: Awaited<ReturnType<typeof world.triage.store.live>> = [];
    for (let i = 0; i < 200 && stored.length === 0; i += 1) {
      stored = await world.triage.store.live();
      if (stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stored[0]).toMatchObject({ version: 1, publishedVersion: 0 });
    expect(world.slack.calls('chat.postMessage')).toEqual([]);

    world.triage.service.setPublisher(world.triage.poster);
    await world.triage.start();
    const posted = await world.until('the message after start', () => world.posts()[0]);
    expect(readable(posted)).toMatch(/QueueBacklog/);
    await world.triage.poster.idle();
    expect((await world.triage.store.get(stored[0]!.id))?.publishedVersion).toBe(1);
  });
});
