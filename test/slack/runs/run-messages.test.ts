import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/config/schema.ts';
import {
  createSlackEmulator,
  type SlackEmulator,
} from '../../../src/sandbox/slack/slack-emulator.ts';
import { createRunMessages, type RunMessages } from '../../../src/slack/runs/run-messages.ts';
import { createSlackClient } from '../../../src/slack/web-client.ts';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.ts';
import { createFakeEngine, type FakeEngine } from '../../support/runs-fake-engine.ts';
import { shown } from '../../support/runs-slack.ts';
import { approval, LEAD, makeView, NOW } from '../../support/runs-views.ts';
import { BOT_TOKEN, loadRepoConfig } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';

const CHANNEL = 'C0OPS';
const UPDATE_MS = 300;
const EVIDENCE = 'https://mc.test/evidence/ev_1';

describe('src/slack/runs/run-messages', () => {
  let emulator: SlackEmulator;
  let engine: FakeEngine;
  let metrics: Metrics;
  let logs: ReturnType<typeof captureLogs>;
  let messages: RunMessages;
  let catalog: Catalog;

  beforeEach(async () => {
    emulator = await createSlackEmulator({ botToken: BOT_TOKEN });
    catalog = (await loadRepoConfig()).catalog;
    engine = createFakeEngine();
    metrics = createMetrics({ defaultMetrics: false });
    logs = captureLogs();
    messages = createRunMessages({
      client: createSlackClient({
        botToken: BOT_TOKEN,
        slackApiUrl: emulator.apiUrl,
        retries: 0,
        log: logs.log,
      }),
      catalog,
      attach: (runId, message) => engine.attachMessage(runId, message),
      get: (runId) => engine.get(runId),
      log: logs.log,
      metrics,
      clock: () => NOW,
      minUpdateMs: UPDATE_MS,
    });
  });
  afterEach(async () => {
    messages.close();
    await messages.idle();
    await emulator.close();
  });

  const errorsCounted = async (method: string) => {
    const metric = await metrics.registry.getSingleMetric('mc_run_message_errors_total')?.get();
    return metric?.values.find((v) => v.labels.method === method)?.value ?? 0;
  };
  const only = () => {
    const list = emulator.messages(CHANNEL).filter((m) => !m.threadTs);
    expect(list).toHaveLength(1);
    return list[0]!;
  };

  it('posts the plan once, tells the engine where, then edits that same message', async () => {
    const waiting = makeView({ env: 'prod', channel: CHANNEL, reason: 'p99 doubled' });
    await messages.observer.changed(waiting);
    const posted = only();
    expect(engine.callsOf('attachMessage')).toEqual([
      [waiting.run.id, { channel: CHANNEL, ts: posted.ts }],
    ]);
    expect(await messages.posted(waiting.run.id)).toEqual({
      ok: true,
      message: { channel: CHANNEL, ts: posted.ts, threadTs: posted.ts },
    });
    expect(shown(posted)).toContain('0 of 1 (sre-lead, release-manager)');

    const approved = makeView({
      env: 'prod',
      channel: CHANNEL,
      count: 2,
      approvals: [approval(LEAD, 'sre-lead')],
    });
    await messages.observer.changed(approved);
    const edited = only();
    expect(edited.ts).toBe(posted.ts);
    expect(edited.edits).toBe(1);
    expect(shown(edited)).toContain(`1 of 2 (sre-lead, release-manager)`);
    expect(shown(edited)).toContain(`approved by <@${LEAD}> (sre-lead)`);
    expect(emulator.calls('chat.postMessage')).toHaveLength(1);
  });

  it('progress edits: at most one per interval, the latest wins; state changes go at once', async () => {
    const executing = (progress?: string) =>
      makeView({
        state: 'executing',
        channel: CHANNEL,
        steps: [{ state: 'running' }],
        ...(progress ? { progress } : {}),
      });
    await messages.observer.changed(executing());
    for (let i = 1; i <= 20; i++)
      await messages.observer.changed(executing(`${i} of 20 pods updated`));
    await messages.idle();
    const updates = emulator.calls('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(UPDATE_MS - 20);
    }
    expect(shown(only())).toContain('20 of 20 pods updated');

    await messages.observer.changed(executing('21 of 20 pods updated'));
    const started = Date.now();
    await messages.observer.changed(
      makeView({
        state: 'succeeded',
        channel: CHANNEL,
        steps: [{ state: 'succeeded' }],
        evidenceUrl: EVIDENCE,
      }),
    );
    // Already on screen when changed() returns: a state change is never held back.
    expect(Date.now() - started).toBeLessThan(UPDATE_MS);
    expect(shown(only())).toContain('— succeeded');
    await messages.idle();
    const text = shown(only());
    expect(text).toContain('succeeded');
    expect(text).not.toContain('pods updated');
  });

  it('an outcome gets one threaded reply with the evidence link', async () => {
    const done = makeView({
      state: 'succeeded',
      channel: CHANNEL,
      steps: [{ state: 'succeeded' }],
      evidenceUrl: EVIDENCE,
    });
    await messages.observer.changed(makeView({ state: 'executing', channel: CHANNEL }));
    await messages.observer.changed(done);
    await messages.observer.changed(done);
    const root = only();
    const replies = emulator.messages(CHANNEL).filter((m) => m.threadTs === root.ts);
    expect(replies).toHaveLength(1);
    expect(shown(replies[0]!)).toContain(`<${EVIDENCE}|Evidence>`);
    expect(replies[0]!.text).toContain('succeeded');
  });

  it('a Slack failure is logged and counted, never thrown; the next change goes through', async () => {
    await messages.observer.changed(makeView({ env: 'prod', channel: CHANNEL }));
    emulator.failNext('chat.update', { kind: 'error', error: 'internal_error' });
    await expect(
      messages.observer.changed(makeView({ state: 'executing', channel: CHANNEL })),
    ).resolves.toBeUndefined();
    expect(await errorsCounted('chat.update')).toBe(1);
    expect(logs.find('slack call for a run message failed')[0]).toMatchObject({
      slack_error: 'internal_error',
      method: 'chat.update',
    });
    expect(shown(only())).toContain('waiting for approval');
    await messages.observer.changed(
      makeView({ state: 'executing', channel: CHANNEL, steps: [{ state: 'running' }] }),
    );
    expect(shown(only())).toContain('executing');
  });

  it('a deleted message is posted again and the engine told the new place', async () => {
    const view = makeView({ env: 'prod', channel: CHANNEL });
    await messages.observer.changed(view);
    emulator.failNext('chat.update', { kind: 'error', error: 'message_not_found' });
    await messages.observer.changed(makeView({ state: 'rejected', channel: CHANNEL }));
    const [first, second] = engine.callsOf('attachMessage');
    expect(second?.[1]).not.toEqual(first?.[1]);
    expect(
      emulator
        .messages(CHANNEL)
        .filter((m) => !m.threadTs)
        .at(-1)?.text,
    ).toContain('rejected');
  });

  it("falls back to the service's channel when the bot cannot post where the command was typed", async () => {
    emulator.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const view = makeView({ env: 'prod', channel: 'C0PRIVATE' });
    await messages.observer.changed(view);
    const posted = await messages.posted(view.run.id);
    expect(posted).toMatchObject({ ok: true, message: { channel: '#team-checkout' } });
    expect(emulator.messages('#team-checkout')).toHaveLength(1);
    expect(await errorsCounted('chat.postMessage')).toBe(1);
  });

  it('says so when the message could be posted nowhere', async () => {
    emulator.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' }, 3);
    const view = makeView({ env: 'prod', channel: 'C0PRIVATE' });
    await messages.observer.changed(view);
    expect(await messages.posted(view.run.id)).toEqual({ ok: false, error: 'not_in_channel' });
  });

  it('a revert run goes in the thread of the run it undoes, which loses its Revert button', async () => {
    const later = new Date(NOW.getTime() + 3_600_000);
    const original = makeView({
      id: 'r_original0001',
      state: 'succeeded',
      channel: CHANNEL,
      steps: [{ state: 'succeeded' }],
      revertUntil: later,
    });
    await messages.observer.changed(original);
    const root = only();
    expect(JSON.stringify(root.blocks)).toContain('"run.revert"');
    engine.views.set(original.run.id, { ...original, message: { channel: CHANNEL, ts: root.ts } });

    const revert = makeView({
      id: 'r_revert000001',
      env: 'staging',
      revertOf: original.run.id,
      channel: CHANNEL,
    });
    await messages.observer.changed(revert);
    const thread = () => emulator.messages(CHANNEL).filter((m) => m.threadTs === root.ts);
    expect(thread().map((m) => m.text)).toEqual([
      expect.stringContaining('Run r_original0001 (Rollback `checkout` in `prod`) succeeded'),
      expect.stringContaining('Revert of run r_original0001'),
    ]);

    const done = makeView({
      id: 'r_revert000001',
      env: 'staging',
      state: 'succeeded',
      revertOf: original.run.id,
      channel: CHANNEL,
      steps: [{ state: 'succeeded' }],
      evidenceUrl: EVIDENCE,
    });
    await messages.observer.changed(done);
    expect(thread()).toHaveLength(3);
    expect(thread()[2]!.text).toContain('run r_original0001 is undone');
    const undone = only();
    expect(JSON.stringify(undone.blocks)).not.toContain('"run.revert"');
    expect(shown(undone)).toContain('Undone by run r_revert000001.');
  });
});
