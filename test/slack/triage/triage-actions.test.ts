import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../src/evidence/ledger/canonical-entry.ts';
import { TRIAGE_ACTIONS } from '../../../src/findings/triage-actions.ts';
import type { RunRequest } from '../../../src/runs/types.ts';
import { createFakeEngine, type FakeEngine } from '../../support/runs-fake-engine.ts';
import { makeView } from '../../support/runs-views.ts';
import { loadRepoConfig } from '../../support/slack.ts';
import { ackCounts, amWebhook, silentLog } from '../../triage/world.ts';
import { realEngine } from './real-engine.ts';
import {
  buttonValue,
  CHECKOUT_CHANNEL,
  ONCALL,
  PD_SECRET,
  readable,
  startTriageWorld,
  type TriageWorld,
} from './world.ts';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const crashloop = amWebhook([{ name: 'KubePodCrashLooping', fingerprint: 'c1', startsAt: ago(4) }]);

async function ledgerKinds(world: TriageWorld): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const entry of world.ledger.read()) out.push(entry);
  return out;
}

describe('src/slack/triage/triage-action-handlers (real Bolt app, Slack emulator)', () => {
  let world: TriageWorld;
  afterEach(async () => {
    await world?.close();
  });

  async function opened(w: TriageWorld) {
    await w.deliver(crashloop);
    return w.until('the incident message', () => w.posts()[0]);
  }

  it('Run asks the engine for the top playbook with its rendered steps, as the clicker', async () => {
    let fake!: FakeEngine;
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      engine: async () => {
        fake = createFakeEngine();
        fake.next.request = [
          { ok: true, view: makeView({ id: 'r_triage00001', channel: CHECKOUT_CHANNEL }) },
        ];
        return fake;
      },
    });
    const message = await opened(world);
    const answer = await world.click(message, TRIAGE_ACTIONS.run);
    const [reply] = await world.until(
      'the answer',
      () => world.answers(answer)[0] && world.answers(answer),
    );
    const [request] = fake.callsOf('request')[0] as [RunRequest];
    expect(request).toEqual({
      verb: 'triage',
      target: { service: 'checkout', env: 'prod' },
      requester: {
        id: ONCALL,
        name: 'alice',
        origin: { team: 'T0EMULATE', channel: CHECKOUT_CHANNEL },
      },
      reason: expect.stringMatching(/^triage inc-\d+: Return crash-looping pods/),
      steps: [{ action: 'k8s.rollout-undo', params: { service: 'checkout', env: 'prod' } }],
      // The engine tightens the policy by the playbook's override; the card joins the thread.
      playbook: 'pod-crashloop',
      channel: CHECKOUT_CHANNEL,
      threadTs: message.ts,
    });
    expect(readable(reply!)).toMatch(/Run `r_triage00001` created from `pod-crashloop`/);
    await world.until('the run noted on the message', () =>
      /requested by/.test(readable(world.posts()[0]!)),
    );
    const thread = await world.until('the thread reply', () => {
      const replies = world.slack
        .messages(CHECKOUT_CHANNEL)
        .filter((m) => m.threadTs === message.ts);
      return replies.length > 0 && replies;
    });
    expect(thread.map((m) => m.text)).toEqual([
      expect.stringMatching(/asked for run r_triage00001 \(pod-crashloop\)/),
    ]);
    expect(await ackCounts(world.triage.metrics)).toEqual({ true: 1 });
    expect((await ledgerKinds(world)).map((e) => e.kind)).toContain('triage.run_requested');
  });

  it('Run tells the clicker what the engine refused, and records nothing', async () => {
    let fake!: FakeEngine;
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      engine: async () => {
        fake = createFakeEngine();
        fake.next.request = [
          { ok: false, code: 'not_allowed', message: 'Only on-call may run triage in prod.' },
        ];
        return fake;
      },
    });
    const message = await opened(world);
    const answer = await world.click(message, TRIAGE_ACTIONS.run);
    const [reply] = await world.until(
      'the answer',
      () => world.answers(answer)[0] && world.answers(answer),
    );
    expect(readable(reply!)).toMatch(/Only on-call may run triage in prod\.[\s\S]*Nothing was run/);
    expect(
      (await world.triage.store.get(buttonValue(message, TRIAGE_ACTIONS.run)!.split(':')[0]!))
        ?.runs,
    ).toEqual([]);
    expect(await ackCounts(world.triage.metrics)).toEqual({});
  });

  it('Dismiss by someone the engine does not permit silences nothing: no ack, no feedback', async () => {
    let fake!: FakeEngine;
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      pagerduty: true,
      engine: async () => {
        fake = createFakeEngine();
        fake.permits = async () => ({
          ok: false,
          message: 'Only oncall, sre-lead or release-manager may run `/mc triage` in `prod`.',
        });
        return fake;
      },
    });
    const pd = world.pd!;
    const page = pd.seedIncident({
      title: 'Checkout pods crash looping',
      serviceId: 'PCHK7Q2',
      urgency: 'high',
    });
    await pd.deliverWebhook(
      `${world.baseUrl}/webhooks/pagerduty`,
      { type: 'incident.triggered', incidentId: page.id },
      { secret: PD_SECRET },
    );
    await world.deliver(crashloop);
    const message = await world.until('one message with both signals', () => {
      const m = world.posts()[0];
      return m && /PagerDuty #/.test(readable(m)) && m;
    });
    const answer = await world.click(message, TRIAGE_ACTIONS.dismiss);
    const [reply] = await world.until(
      'the answer',
      () => world.answers(answer)[0] && world.answers(answer),
    );
    expect(readable(reply!)).toMatch(
      /Only oncall, sre-lead or release-manager may run `\/mc triage` in `prod`\.[\s\S]*Nothing was dismissed or acknowledged/,
    );
    expect(pd.incident(page.id)?.status).toBe('triggered');
    expect((await ledgerKinds(world)).map((e) => e.kind)).not.toContain('triage.dismissed');
  });

  it('Dry run shows the plan to the clicker only; Other suggestions lists the rest with reasons', async () => {
    world = await startTriageWorld({ minPostIntervalMs: 100 });
    const message = await opened(world);
    const dry = await world.click(message, TRIAGE_ACTIONS.dryRun);
    const [plan] = await world.until(
      'the dry run',
      () => world.answers(dry)[0] && world.answers(dry),
    );
    expect(plan).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(readable(plan!)).toMatch(/1\. `k8s\.rollout-undo` service=checkout env=prod/);
    expect(readable(plan!)).toMatch(
      /Evidence[\s\S]*kube_pod_container_status_last_terminated_reason/,
    );
    expect(readable(plan!)).toMatch(/nothing was created/);

    const others = await world.click(message, TRIAGE_ACTIONS.others);
    const [list] = await world.until(
      'the other suggestions',
      () => world.answers(others)[0] && world.answers(others),
    );
    expect(readable(list!)).toMatch(/Other playbooks for `inc-\d+`/);
    expect(readable(list!)).not.toMatch(/`pod-crashloop`/);
    expect(world.posts()).toHaveLength(1);
    expect(world.slack.messages(CHECKOUT_CHANNEL)).toHaveLength(1);
  });

  it('Dismiss records feedback in the ledger, acknowledges the PagerDuty incident and updates the message', async () => {
    world = await startTriageWorld({ minPostIntervalMs: 100, pagerduty: true });
    const pd = world.pd!;
    const page = pd.seedIncident({
      title: 'Checkout pods crash looping',
      serviceId: 'PCHK7Q2',
      urgency: 'high',
    });
    const sent = await pd.deliverWebhook(
      `${world.baseUrl}/webhooks/pagerduty`,
      { type: 'incident.triggered', incidentId: page.id },
      { secret: PD_SECRET },
    );
    expect(sent.status).toBe(202);
    await world.deliver(crashloop);
    const message = await world.until('one message with both signals', () => {
      const m = world.posts()[0];
      return m && /KubePodCrashLooping/.test(readable(m)) && /PagerDuty #/.test(readable(m)) && m;
    });
    const answer = await world.click(message, TRIAGE_ACTIONS.dismiss);
    const [reply] = await world.until(
      'the answer',
      () => world.answers(answer)[0] && world.answers(answer),
    );
    expect(readable(reply!)).toMatch(
      /dismissed; feedback recorded \(ledger #\d+\)[\s\S]*PagerDuty #\d+ acknowledged/,
    );
    expect(pd.incident(page.id)?.status).toBe('acknowledged');
    const dismissed = (await ledgerKinds(world)).find((e) => e.kind === 'triage.dismissed');
    expect(dismissed).toMatchObject({ actor: ONCALL, data: { playbook: 'pod-crashloop' } });
    const updated = await world.until('the message marked dismissed', () => {
      const m = world.posts()[0];
      return m && /dismissed by/.test(readable(m)) && m;
    });
    expect(buttonValue(updated, TRIAGE_ACTIONS.run)).toBeUndefined();
    expect(buttonValue(updated, TRIAGE_ACTIONS.dismiss)).toBeUndefined();
    expect(await ackCounts(world.triage.metrics)).toEqual({ true: 1 });
    expect(world.posts()).toHaveLength(1);
  });

  it('Run with the real engine creates a triage run whose plan message follows in the incident thread', async () => {
    const config = await loadRepoConfig();
    let engine!: Awaited<ReturnType<typeof realEngine>>;
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      config,
      engine: async (parts) => {
        engine = await realEngine({
          ...parts,
          config,
          log: silentLog,
        });
        return engine;
      },
    });
    try {
      await world.deliver(
        amWebhook([
          { name: 'QueueBacklog', fingerprint: 'q1', startsAt: ago(2), labels: { env: 'staging' } },
        ]),
      );
      const message = await world.until('the incident message', () => world.posts()[0]);
      expect(readable(message)).toMatch(/k8s\.scale` service=checkout env=staging replicas=\+2/);
      const answer = await world.click(message, TRIAGE_ACTIONS.run);
      const [reply] = await world.until(
        'the answer',
        () => world.answers(answer)[0] && world.answers(answer),
        15_000,
      );
      expect(readable(reply!)).toMatch(/Run `r_\w+` created from `queue-backlog`/);
      const runId = /Run `(r_\w+)`/.exec(readable(reply!))?.[1];
      const plan = await world.until(
        'the run plan message in the incident thread',
        () =>
          world.slack
            .messages(CHECKOUT_CHANNEL)
            .find((m) => m.threadTs === message.ts && m.text.includes('Triage')),
        15_000,
      );
      expect(readable(plan)).toMatch(
        /Triage `checkout` in `staging`[\s\S]*checkout\/staging replicas 2 → 4/,
      );
      const view = await engine.get(runId!);
      expect(view?.run).toMatchObject({
        verb: 'triage',
        requester: ONCALL,
        target: { service: 'checkout', env: 'staging' },
      });
      expect(view?.run.steps.map((s) => [s.action, s.params])).toEqual([
        ['k8s.scale', { service: 'checkout', env: 'staging', replicas: '+2' }],
      ]);
    } finally {
      await engine?.close();
    }
  });
});
