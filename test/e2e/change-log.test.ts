import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import { TRIAGE_ACTIONS } from '../../src/findings/triage-actions.ts';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { newTriggerId, sendBlockAction } from '../../src/sandbox/slack/sign-request.ts';
import {
  buttonValue,
  CHECKOUT,
  liveImage,
  ONCALL,
  ONCALL2,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { SIGNING_SECRET, visibleText } from '../support/slack.ts';

const AM_TOKEN = 'change-log-e2e-alertmanager-token-7c2d';
const TEAM = '#team-checkout';

/** KubePodCrashLooping on checkout in staging, starting now, as Alertmanager v4 sends it. */
function crashloop() {
  const labels = {
    alertname: 'KubePodCrashLooping',
    namespace: 'checkout',
    pod: 'checkout-7d9f8c6b5-x2x9q',
    container: 'app',
    env: 'staging',
    severity: 'critical',
  };
  return {
    version: '4',
    groupKey: '{}:{alertname="KubePodCrashLooping", namespace="checkout"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'mc',
    groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'checkout' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.test:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'Pod is crash looping.' },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.test:9090/graph',
        fingerprint: '1a42cf7229bf3107',
      },
    ],
  };
}

function runIdOf(message: EmulatedMessage): string {
  const id = /run (r_[a-z2-7]+) ·/.exec(shown(message))?.[1];
  if (!id) throw new Error(`no run id in: ${shown(message)}`);
  return id;
}

describe('e2e: one change log that /mc status reads, in agreement with the cluster', () => {
  let world: RollbackWorld;
  beforeAll(async () => {
    world = await startRollbackWorld({ env: { ALERTMANAGER_WEBHOOK_TOKEN: AM_TOKEN } });
  });
  afterAll(async () => {
    await world?.close();
  });

  const changes = () =>
    createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger }).recentDeploys({
      service: 'checkout',
      env: 'staging',
      since: new Date(0),
    });
  const status = async () => {
    const sent = await world.command('status checkout --env staging', ONCALL2);
    const [answer] = await world.until(
      'the status answer',
      () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
    );
    return visibleText(answer!);
  };

  it('a rollback and its Revert are both recorded; status names the Revert as the last change', async () => {
    const before = world.plans().length;
    await world.command('rollback checkout --env staging', ONCALL);
    const plan = await world.until(
      'the plan',
      () => world.plans().length > before && world.plans().at(-1),
    );
    await world.click(plan, 'run.confirm', ONCALL);
    const done = await world.until('the rollback to succeed', () => {
      const m = world.plans().find((p) => p.ts === plan.ts);
      return m && shown(m).includes('— succeeded') && m;
    });
    await world.bot.engine.idle();
    await world.click(done, 'run.revert', ONCALL);
    const reverted = await world.until('the revert run to succeed', () =>
      world
        .thread(plan)
        .find((m) => shown(m).includes('Revert of run') && shown(m).includes('— succeeded')),
    );
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.2');

    const log = await changes();
    expect(log.slice(0, 2)).toMatchObject([
      {
        kind: 'revert',
        fromImage: 'shop/checkout:1.4.1',
        toImage: 'shop/checkout:1.4.2',
        by: ONCALL,
        runId: runIdOf(reverted),
        outcome: 'succeeded',
      },
      {
        kind: 'rollback',
        fromImage: 'shop/checkout:1.4.2',
        toImage: 'shop/checkout:1.4.1',
        runId: runIdOf(plan),
        outcome: 'succeeded',
      },
    ]);
    const text = await status();
    expect(text).toContain('`shop/checkout:1.4.2`');
    expect(text).toMatch(/Last change\*\n\s*revert 1\.4\.1 → 1\.4\.2 by <@U0ONCALL01>/);
    expect(text).toContain(`run ${runIdOf(reverted)}`);
  });

  it('an image changed outside mc is recorded once, as external, when status reads the cluster', async () => {
    const kc = kubeConfigFor(world.kube, [STAGING], { clusterPerContext: true });
    const { apps } = createKubeClients(kc).forContext(STAGING);
    await apps.patchNamespacedDeployment(
      {
        name: CHECKOUT.name,
        namespace: CHECKOUT.namespace,
        body: {
          spec: {
            template: {
              spec: {
                containers: [{ name: CHECKOUT.container, image: 'shop/checkout:1.4.9-hotfix' }],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const text = await status();
    expect(text).toContain('`shop/checkout:1.4.9-hotfix`');
    expect(text).toMatch(
      /Last change\*\n\s*external 1\.4\.2 → 1\.4\.9-hotfix by \(outside mc: seen on the cluster\)/,
    );
    await status();
    const external = (await changes()).filter((c) => c.kind === 'external');
    expect(external).toMatchObject([
      { fromImage: 'shop/checkout:1.4.2', toImage: 'shop/checkout:1.4.9-hotfix', by: 'unknown' },
    ]);
  });

  it('triage suspects the change made outside mc; its Run is recorded as a triage change and status shows it', async () => {
    const res = await fetch(`${world.baseUrl}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(crashloop()),
    });
    expect(res.status).toBe(202);
    const team = () => world.slack.messages(TEAM).filter((m) => !m.threadTs);
    const message = await world.until('the triage message', () => team()[0]);
    const text = shown(message);
    expect(text).toContain('change made outside mc to `1.4.9-hotfix` by @unknown');
    expect(text).toContain('Roll checkout in staging back from 1.4.9-hotfix to 1.4.2');
    expect(text).toContain('Condition unverified, not confirmed');
    const click = (m: EmulatedMessage, actionId: string) =>
      sendBlockAction(
        `${world.baseUrl}/slack/events`,
        {
          actionId,
          value: buttonValue(m, actionId)!,
          userId: ONCALL,
          channelId: m.channel,
          messageTs: m.ts,
          triggerId: newTriggerId(),
        },
        { signingSecret: SIGNING_SECRET },
      );
    expect((await click(message, TRIAGE_ACTIONS.run)).status).toBe(200);
    // The run's card goes in the incident's thread.
    const inThread = () => world.slack.messages(TEAM).filter((m) => m.threadTs === message.ts);
    const plan = await world.until('the run plan', () =>
      inThread().find((m) => /^Triage checkout in staging/.test(m.text)),
    );
    await click(plan, 'run.confirm');
    await world.until('the triage run to succeed', () => {
      const m = inThread().find((p) => p.ts === plan.ts);
      return m && shown(m).includes('— succeeded');
    });
    await world.bot.engine.idle();
    expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.2');
    const [last] = await changes();
    expect(last).toMatchObject({
      kind: 'triage',
      fromImage: 'shop/checkout:1.4.9-hotfix',
      toImage: 'shop/checkout:1.4.2',
      by: ONCALL,
      runId: runIdOf(plan),
      outcome: 'succeeded',
    });
    expect(await status()).toMatch(
      /Last change\*\n\s*triage 1\.4\.9-hotfix → 1\.4\.2 by <@U0ONCALL01>/,
    );
  });
});
