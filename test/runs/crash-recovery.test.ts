import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pause } from '../../src/actions/argo/pause.ts';
import { setImage } from '../../src/actions/kubernetes/set-image.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import { runButtons } from '../../src/findings/run-buttons.ts';
import type { RunEngine, RunView } from '../../src/runs/types.ts';
import { openStore } from '../../src/store/open-store.ts';
import { fast, prodRef, STAGING, settled, stagingRef } from '../actions/world.ts';
import {
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../support/alertmanager.ts';
import { requireBinary } from '../support/prometheus.ts';
import { type CrashBot, openCrashBot } from './support/crash-engine.ts';
import { type CrashWorld, startCrashWorld } from './support/crash-world.ts';
import { ALICE, LEAD, log } from './support/run-fixtures.ts';

const ALERTMANAGER = requireBinary('prometheus-alertmanager');
const staging = { service: 'checkout', env: 'staging' };
const prod = { service: 'checkout', env: 'prod' };
const SILENCE = {
  matchers: [{ name: 'alertname', value: 'KubePodCrashLooping', isRegex: false, isEqual: true }],
  duration: '1h',
  comment: 'crash test silence',
};

interface Case {
  action: string;
  env: 'staging' | 'prod';
  params: (w: CrashWorld) => object;
  /** Brings the world where the action applies (a canary at its pause, an incident...). */
  arrange?: (w: CrashWorld) => Promise<void>;
  /** The live state the action changes, as the test reads it straight from the API. */
  live: (w: CrashWorld) => Promise<unknown>;
  /** That state once the action's intent is applied. */
  target: unknown;
  /** The state right after the crash, when the first write is only part of the step. */
  afterCrash?: unknown;
  reversible: boolean;
  needs?: 'pagerduty' | 'alertmanager';
}

const deployment = (w: CrashWorld) => readWorkload(w.ctx.kube, stagingRef);
const rollout = (w: CrashWorld) => readWorkload(w.ctx.kube, prodRef);
const image = async (w: CrashWorld) => (await deployment(w)).template.spec.containers[0]?.image;
let incidentId = '';

/** checkout/prod with a 1.4.2 canary waiting at its pause step (25%). */
async function canaryAtPause(w: CrashWorld) {
  const p = { ...prod, image: 'shop/checkout:1.4.2' };
  const applied = await setImage.apply(w.ctx, p);
  expect((await setImage.verify(w.ctx, p, applied, fast)).ok).toBe(true);
}

/** Which of the pods serving now are still serving (not terminating). */
async function servingOf(w: CrashWorld, names: string[]) {
  const pods = w.kube.emulator.list('Pod', 'checkout', STAGING);
  return names.filter((n) =>
    pods.some((p) => p.metadata.name === n && !p.metadata.deletionTimestamp),
  ).length;
}
let originalPods: string[] = [];

const CASES: Case[] = [
  {
    action: 'k8s.set-image',
    env: 'staging',
    params: () => ({ ...staging, image: 'shop/checkout:1.4.2' }),
    live: image,
    target: 'shop/checkout:1.4.2',
    reversible: true,
  },
  {
    action: 'k8s.rollout-undo',
    env: 'staging',
    params: () => staging,
    async arrange(w) {
      const p = { ...staging, image: 'shop/checkout:1.4.2' };
      await setImage.apply(w.ctx, p);
      await settled(w.kube, stagingRef);
    },
    live: image,
    target: 'shop/checkout:1.4.1',
    reversible: true,
  },
  {
    action: 'k8s.scale',
    env: 'staging',
    // Relative: applied twice it would make 7.
    params: () => ({ ...staging, replicas: '+2' }),
    live: async (w) => (await deployment(w)).replicas,
    target: 5,
    reversible: true,
  },
  {
    action: 'k8s.set-configmap-key',
    env: 'staging',
    params: () => ({ ...staging, configMap: 'checkout-flags', key: 'new-cart', value: 'on' }),
    live: async (w) =>
      w.kube.emulator.get('ConfigMap', 'checkout', 'checkout-flags', STAGING)?.data,
    target: { 'new-cart': 'on' },
    reversible: true,
  },
  {
    action: 'k8s.restart',
    env: 'staging',
    params: () => staging,
    live: async (w) =>
      (await deployment(w)).template.metadata?.annotations?.[
        'kubectl.kubernetes.io/restartedAt'
      ] !== undefined,
    target: true,
    reversible: false,
  },
  {
    action: 'k8s.delete-pods',
    env: 'staging',
    params: () => ({ ...staging, count: 2 }),
    async arrange(w) {
      originalPods = w.kube.emulator.list('Pod', 'checkout', STAGING).map((p) => p.metadata.name);
    },
    live: (w) => servingOf(w, originalPods),
    target: 1,
    // Killed after the first of two deletions: recovery deletes the other, never a third pod.
    afterCrash: 2,
    reversible: false,
  },
  {
    action: 'argo.promote',
    env: 'prod',
    params: () => ({ ...prod, full: false }),
    arrange: canaryAtPause,
    // Promoted once: it leaves the pause at step 1; promoted twice it would skip step 2 too.
    live: async (w) => (await rollout(w)).status.pauseConditions?.length ?? 0,
    target: 0,
    reversible: false,
  },
  {
    action: 'argo.abort',
    env: 'prod',
    params: () => prod,
    arrange: canaryAtPause,
    live: async (w) => (await rollout(w)).status.abort === true,
    target: true,
    reversible: false,
  },
  {
    action: 'argo.pause',
    env: 'prod',
    params: () => prod,
    live: async (w) => (await rollout(w)).paused,
    target: true,
    reversible: true,
  },
  {
    action: 'argo.resume',
    env: 'prod',
    params: () => prod,
    async arrange(w) {
      const applied = await pause.apply(w.ctx, prod);
      expect((await pause.verify(w.ctx, prod, applied, fast)).ok).toBe(true);
    },
    live: async (w) => (await rollout(w)).paused,
    target: false,
    reversible: true,
  },
  {
    action: 'pagerduty.ack',
    env: 'prod',
    needs: 'pagerduty',
    params: () => ({ incidentId }),
    live: async (w) => w.pd?.incident(incidentId)?.status,
    target: 'acknowledged',
    reversible: false,
  },
  {
    action: 'pagerduty.note',
    env: 'prod',
    needs: 'pagerduty',
    params: () => ({ incidentId, content: 'rolled back to 1.4.1' }),
    live: async (w) => w.pd?.notes(incidentId).length,
    target: 1,
    reversible: false,
  },
  {
    action: 'alertmanager.silence',
    env: 'prod',
    needs: 'alertmanager',
    params: () => SILENCE,
    live: async (w) =>
      (await w.ctx.alertmanager?.listSilences())?.filter(
        (s) => s.comment === SILENCE.comment && s.status.state !== 'expired',
      ).length,
    target: 1,
    reversible: true,
  },
];

/** Starts a run the way a person would: Confirm in staging, one approval in prod. */
async function go(engine: RunEngine, view: RunView) {
  const { run } = view;
  const outcome =
    view.waitingFor === 'confirm'
      ? await engine.confirm(run.id, { id: ALICE }, run.planHash)
      : await engine.approve(run.id, { id: LEAD }, run.planHash);
  expect(outcome, outcome.ok ? '' : outcome.message).toMatchObject({ ok: true });
}

/** `METHOD path` of writes that reached an API more than once. */
function repeated(w: CrashWorld): string[] {
  const seen = w.writes.map((x) => `${x.method} ${x.path}`);
  return seen.filter((x, i) => seen.indexOf(x) !== i);
}

describe('src/runs crash recovery: killed right after the API took a step', () => {
  let world: CrashWorld | undefined;
  let bot: CrashBot | undefined;
  let am: TestAlertmanager | undefined;
  let receiver: WebhookReceiver | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-crash-'));
    // Created and migrated once; each test's bots reopen it (a fresh PGlite takes seconds).
    await (await openStore({ dataDir: path.join(dataDir, 'db'), log })).close();
    if (!ALERTMANAGER) return;
    receiver = await startWebhookReceiver();
    am = await startAlertmanager({ webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
    await am?.close();
    await receiver?.close();
  });
  afterEach(async () => {
    await bot?.engine.idle();
    await bot?.store.close();
    // The next test starts with every target unlocked, whatever this one left.
    const store = await openStore({ dataDir: path.join(dataDir, 'db'), log });
    await store.db.query('DELETE FROM run_approvals');
    await store.db.query('DELETE FROM runs');
    await store.close();
    await world?.close();
    [world, bot] = [undefined, undefined];
  });

  /** Kills a bot right after the API took the step's first write, restarts one, checks it all. */
  async function crashAndRecover(c: Case) {
    world = await startCrashWorld({
      dataDir,
      pagerduty: c.needs === 'pagerduty',
      ...(c.needs === 'alertmanager' && am ? { alertmanager: am } : {}),
    });
    const w = world;
    if (w.pd) {
      const service = w.pd.seedService({ name: 'checkout (prod)' });
      incidentId = w.pd.seedIncident({ title: 'Checkout 5xx', serviceId: service.id }).id;
    }
    await c.arrange?.(w);
    const original = await c.live(w);
    expect(original).not.toEqual(c.target);

    await w.crashChild({ env: c.env, action: c.action, params: c.params(w) });
    // The API took exactly one write, and the bot died before hearing back.
    expect(w.writes).toHaveLength(1);
    expect(await c.live(w)).toEqual('afterCrash' in c ? c.afterCrash : c.target);

    // Restarted at once on the same data dir: the lock proves the child is dead.
    bot = await openCrashBot(w.setup, 'restarted-bot');
    const [found, ...more] = await bot.engine.recoverInterrupted();
    expect(more).toEqual([]);
    if (!found) throw new Error('the run was not found interrupted');
    expect(found.run.state).toBe('interrupted');
    expect(found.run.steps[0]).toMatchObject({ state: 'running' });
    expect(found.run.steps[0]?.before).toBeUndefined();
    const buttons = runButtons(found, new Date()).map((b) => b.text);
    expect(buttons).toEqual(c.reversible ? ['Resume', 'Revert'] : ['Resume']);

    const resumed = await bot.engine.resume(found.run.id, { id: ALICE });
    expect(resumed.ok, resumed.ok ? '' : resumed.message).toBe(true);
    await bot.engine.idle();
    const done = await bot.engine.get(found.run.id);
    expect(done?.run.state, done?.run.error).toBe('succeeded');
    expect(repeated(w)).toEqual([]);
    expect(await c.live(w)).toEqual(c.target);
    if (!c.reversible) return;

    const revert = await bot.engine.revert(found.run.id, { id: ALICE });
    if (!revert.ok) throw new Error(revert.message);
    await go(bot.engine, revert.view);
    await bot.engine.idle();
    const reverted = await bot.engine.get(revert.view.run.id);
    expect(reverted?.run.state, reverted?.run.error).toBe('succeeded');
    expect(await c.live(w)).toEqual(original);
  }

  // A child process, a store reopened twice and three rollouts, on a busy CI machine.
  const SLOW = 120_000;
  const title =
    '%s: recovered at once, reconciled with the live state, never applied twice; Revert undoes it where it can';
  const withoutAlertmanager = CASES.filter((c) => c.needs !== 'alertmanager');
  it.each(withoutAlertmanager.map((c) => [c.action, c] as const))(
    title,
    (_name, c) => crashAndRecover(c),
    SLOW,
  );
  const silenceCase = CASES.find((c) => c.needs === 'alertmanager');
  it.skipIf(!ALERTMANAGER || !silenceCase)(
    title.replace('%s', 'alertmanager.silence (real Alertmanager)'),
    () => crashAndRecover(silenceCase as Case),
    SLOW,
  );

  it(
    'an interrupted rollback is reverted in place to the version it left',
    async () => {
      world = await startCrashWorld({ dataDir });
      const w = world;
      await setImage.apply(w.ctx, { ...staging, image: 'shop/checkout:1.4.2' });
      await settled(w.kube, stagingRef);
      await w.crashChild({ env: 'staging', action: 'k8s.rollout-undo', params: staging });
      expect(await image(w)).toBe('shop/checkout:1.4.1');

      bot = await openCrashBot(w.setup, 'restarted-bot');
      const [found] = await bot.engine.recoverInterrupted();
      if (!found) throw new Error('the run was not found interrupted');
      const outcome = await bot.engine.revert(found.run.id, { id: ALICE });
      expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(true);
      await bot.engine.idle();
      const view = await bot.engine.get(found.run.id);
      expect(view?.run.state, view?.run.error).toBe('reverted');
      expect(view?.run.steps[0]?.state).toBe('reverted');
      expect(await image(w)).toBe('shop/checkout:1.4.2');
    },
    SLOW,
  );
});
