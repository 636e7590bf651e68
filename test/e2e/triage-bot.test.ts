import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertmanagerWebhook } from '../../src/adapters/alertmanager/schema.ts';
import { TRIAGE_ACTIONS } from '../../src/findings/triage-actions.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { newTriggerId, sendBlockAction } from '../../src/sandbox/slack/sign-request.ts';
import {
  buttonValue,
  LEAD,
  liveImage,
  NOBODY,
  ONCALL,
  PROD,
  type RollbackWorld,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { REPO_ROOT, SIGNING_SECRET } from '../support/slack.ts';

const AM_TOKEN = 'bot-e2e-alertmanager-token-1f3a';
const PD_SECRETS = ['pd-secret-old-0001', 'pd-secret-new-0002'];
const CHECKOUT = '#team-checkout';

/** KubePodCrashLooping on checkout (staging unless said), firing or resolved, as Alertmanager v4 sends it. */
function crashloop(status: 'firing' | 'resolved', env = 'staging'): AlertmanagerWebhook {
  const labels = {
    alertname: 'KubePodCrashLooping',
    namespace: 'checkout',
    pod: 'checkout-7d9f8c6b5-x2x9q',
    container: 'app',
    env,
    severity: 'critical',
  };
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  return {
    version: '4',
    groupKey: `{}:{alertname="KubePodCrashLooping", namespace="checkout", env="${env}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'mc',
    groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'checkout' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.test:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: 'Pod is crash looping.' },
        startsAt,
        endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.test:9090/graph',
        fingerprint: env === 'staging' ? '1a42cf7229bf3107' : '2b53d0833ac04218',
      },
    ],
  } as AlertmanagerWebhook;
}

/** Every text of a message's blocks, joined. */
const readable = (m: EmulatedMessage) => JSON.stringify(m.blocks);

describe('the whole bot (createBot, as main.ts builds it) mounts auto-triage', () => {
  let world: RollbackWorld;
  const posts = () => world.slack.messages(CHECKOUT).filter((m) => !m.threadTs);
  const deliver = async (body: unknown, token = AM_TOKEN) => {
    const res = await fetch(`${world.baseUrl}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  };

  beforeAll(async () => {
    world = await startRollbackWorld({
      env: {
        ALERTMANAGER_WEBHOOK_TOKEN: AM_TOKEN,
        PAGERDUTY_WEBHOOK_SECRET: PD_SECRETS.join(','),
      },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('refuses a webhook without the token and loses nothing it accepted', async () => {
    expect(await deliver(crashloop('firing'), 'wrong-token-wrong-token')).toBe(401);
    expect(posts()).toHaveLength(0);
    expect(await deliver(crashloop('firing'))).toBe(202);
    const message = await world.until('the triage message', () => posts()[0]);
    expect(readable(message)).toMatch(/KubePodCrashLooping/);
    expect(buttonValue(message, TRIAGE_ACTIONS.run)).toMatch(/:pod-crashloop$/);
    // A redelivery of the same alert changes nothing: still one message.
    expect(await deliver(crashloop('firing'))).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posts()).toHaveLength(1);
  });

  it('Run asks the run engine for the playbook as the clicker, under the rollback policy', async () => {
    const message = posts()[0]!;
    const value = buttonValue(message, TRIAGE_ACTIONS.run)!;
    const sent = await sendBlockAction(
      `${world.baseUrl}/slack/events`,
      {
        actionId: TRIAGE_ACTIONS.run,
        value,
        userId: ONCALL,
        channelId: message.channel,
        messageTs: message.ts,
        triggerId: newTriggerId(),
      },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    let active = await world.bot.engine.active();
    for (let i = 0; i < 200 && active.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      active = await world.bot.engine.active();
    }
    const [run] = active;
    expect(run).toBeDefined();
    expect(JSON.stringify(run)).toMatch(/k8s\.rollout-undo/);
    expect(JSON.stringify(run)).toContain(ONCALL);
    expect(JSON.stringify(run)).not.toContain(LEAD);
    // Its plan message follows in the incident's thread, waiting for the clicker's Confirm.
    const plan = await world.until('the run plan in the incident thread', () =>
      world.slack
        .messages(CHECKOUT)
        .find((m) => m.threadTs === message.ts && /^Triage checkout in staging/.test(m.text)),
    );
    expect(plan.text).toMatch(/waiting for confirmation/);
  });

  it('prod: the suggestion asks for approval; a stranger is refused, the requester cannot approve, a lead can', async () => {
    const before = liveImage(world.kube, PROD);
    expect(await deliver(crashloop('firing', 'prod'))).toBe(202);
    const message = await world.until('the prod triage message', () =>
      posts().find((m) => /checkout\/prod/.test(m.text)),
    );
    const clickAs = (m: EmulatedMessage, actionId: string, userId: string) =>
      sendBlockAction(
        `${world.baseUrl}/slack/events`,
        {
          actionId,
          value: buttonValue(m, actionId)!,
          userId,
          channelId: m.channel,
          messageTs: m.ts,
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
    expect(JSON.stringify(message.blocks)).toContain('Request approval: pod-crashloop');
    // Someone without a role that may change prod: told privately, nothing is created.
    await clickAs(message, TRIAGE_ACTIONS.run, NOBODY);
    const answer = await world.until('the refusal', () =>
      world.slack.ephemerals().find((e) => e.user === NOBODY),
    );
    expect(JSON.stringify(answer)).toContain(
      'Only oncall, sre-lead or release-manager may run `/mc triage` in `prod`.',
    );
    expect((await world.bot.engine.active()).filter((v) => v.run.target.env === 'prod')).toEqual(
      [],
    );
    // On call asks: the run waits for an approver; its card is in the incident's thread.
    await clickAs(message, TRIAGE_ACTIONS.run, ONCALL);
    const card = await world.until('the approval card in the incident thread', () =>
      world.slack
        .messages(CHECKOUT)
        .find((m) => m.threadTs === message.ts && /^Triage checkout in prod/.test(m.text)),
    );
    expect(card.text).toMatch(/waiting for approval/);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('Who may approve');
    expect(shown).not.toContain(`<@${ONCALL}>, <`);
    // The requester cannot approve their own run; a lead can, and only then does prod change.
    const self = await clickAs(card, 'run.approve', ONCALL);
    expect(self.status).toBe(200);
    await world.until('the self-approval refusal', () =>
      world.slack
        .ephemerals(card.channel)
        .find((e) => e.user === ONCALL && /cannot approve it/.test(JSON.stringify(e))),
    );
    expect(liveImage(world.kube, PROD)).toBe(before);
    await clickAs(card, 'run.approve', LEAD);
    await world.until('prod rolled back', () => liveImage(world.kube, PROD) !== before);
    expect(await deliver(crashloop('resolved', 'prod'))).toBe(202);
  });

  it('PagerDuty V3 webhooks: rotated signatures accepted, a forged or missing one is 401', async () => {
    // A recorded V3 delivery: a note on an incident (accepted, gives no signal).
    const body = readFileSync(
      path.join(REPO_ROOT, 'test/fixtures/pagerduty/webhook-incident-annotated.json'),
      'utf8',
    );
    const sign = (secrets: string[]) =>
      secrets.map((s) => `v1=${createHmac('sha256', s).update(body).digest('hex')}`).join(',');
    const post = async (signature?: string) => {
      const res = await fetch(`${world.baseUrl}/webhooks/pagerduty`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-webhook-id': randomUUID(),
          ...(signature ? { 'x-pagerduty-signature': signature } : {}),
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await post(sign([PD_SECRETS[1]!]))).toBeLessThan(300);
    expect(await post(sign(PD_SECRETS))).toBeLessThan(300);
    expect(await post(sign(['not-the-secret']))).toBe(401);
    expect(await post()).toBe(401);
  });

  it('the resolved alert turns the same message into resolved', async () => {
    expect(await deliver(crashloop('resolved'))).toBe(202);
    const staging = () => posts().filter((m) => /checkout\/staging/.test(m.text));
    const resolved = await world.until('the message marked resolved', () => {
      const m = staging()[0];
      return m && /— resolved/.test(readable(m)) && m;
    });
    expect(buttonValue(resolved, TRIAGE_ACTIONS.run)).toBeUndefined();
    expect(staging().filter((m) => /KubePodCrashLooping/.test(m.text))).toHaveLength(1);
  });
});
