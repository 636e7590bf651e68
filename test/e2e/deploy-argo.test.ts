import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { rolloutHealthy, rolloutOf, setRolloutImage } from '../support/deploy-e2e-rollout.ts';
import { requireBinary } from '../support/prometheus.ts';
import { buttonIds, CHANNEL, LEAD, ONCALL, PROD } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';

const prometheusBin = requireBinary('prometheus');

/** Every text the run's message showed, edits included, in order. */
function history(world: DeployWorld, message: EmulatedMessage): string[] {
  return world.slack
    .calls('chat.update')
    .filter((c) => (c.args as { ts?: string }).ts === message.ts)
    .map((c) => {
      const args = c.args as { text?: string; blocks?: unknown };
      return `${args.text ?? ''} ${JSON.stringify(args.blocks ?? [])}`;
    });
}

describe.skipIf(!prometheusBin)(
  'e2e: /mc deploy to an Argo Rollout (canary steps, Promote, Abort)',
  () => {
    let world: DeployWorld;
    beforeAll(async () => {
      world = await startDeployWorld({ prodRollout: true });
    }, 30_000);
    afterAll(async () => {
      await world?.close();
    });

    const deployLog = () => createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger });
    const ledgerKinds = async (runId: string) => {
      const entries: { kind: string; actor: string }[] = [];
      for await (const e of world.bot.ledger.read()) {
        if (e.subject === `run:${runId}`) entries.push({ kind: e.kind, actor: e.actor });
      }
      return entries;
    };
    const runIdOf = (m: EmulatedMessage) => /run (r_[a-z2-7]+) ·/.exec(shown(m))?.[1] ?? '';
    const plan = async (text: string) => {
      const before = world.plans().length;
      await world.command(text, ONCALL);
      return world.until('a plan', () => world.plans().length > before && world.plans().at(-1));
    };
    /** Plans a prod deploy, has the SRE lead approve it, waits for Promote / Abort. */
    const deployToCanary = async (version: string) => {
      const message = await plan(`deploy checkout ${version} --env prod --reason canary test`);
      await world.click(message, 'run.approve', LEAD);
      const paused = await world.until(
        'Promote / Abort',
        () => {
          const m = world.current(message);
          return buttonIds(m).includes('run.canary-promote') && m;
        },
        30_000,
      );
      return { message, paused };
    };
    const settledAs = (message: EmulatedMessage, state: string) =>
      world
        .until(
          `the run to end ${state}`,
          () => shown(world.current(message)).includes(`— ${state}`) && world.current(message),
          15_000,
        )
        .catch((error: Error) => {
          throw new Error(`${error.message}; the message says:\n${shown(world.current(message))}`);
        });

    it('reports the canary steps; Promote is policy-checked and completes the canary', async () => {
      const started = Date.now();
      const { message, paused } = await deployToCanary('1.4.3');
      expect(buttonIds(paused)).toEqual(['run.canary-promote', 'run.canary-abort']);
      expect(shown(paused)).toContain(
        'Canary step 2 of 4 (pause until promoted) · canary 34% · Paused',
      );
      expect(rolloutOf(world.kube, PROD).status).toMatchObject({ currentStepIndex: 1 });

      // The requester may not promote a prod canary: the deploy policy wants an approver.
      await world.click(paused, 'run.canary-promote', ONCALL);
      await world.until('a refusal', () =>
        world.slack
          .ephemerals(CHANNEL)
          .find((e) => e.user === ONCALL && shown(e).includes('canary in `prod` needs one of')),
      );
      expect(rolloutOf(world.kube, PROD).status).toMatchObject({ currentStepIndex: 1 });

      await world.click(paused, 'run.canary-promote', LEAD);
      const done = await settledAs(message, 'succeeded');
      const ms = Date.now() - started;
      console.info(`[timing] Argo canary deploy → approve → Promote → Healthy: ${ms} ms`);
      expect(buttonIds(done)).toEqual(['run.revert']);
      const seen = history(world, message).join('\n');
      expect(seen).toContain('Canary step 2 of 4 (pause until promoted)');
      // Steps 3 and 4 pass in a tenth of a second after Promote: a poll may or may not see them,
      // so only the states the run must show are asserted.
      expect(seen).toMatch(/Canary promoted: 4 of 4 steps · Healthy/);
      // Each step is also a reply in the run's thread, in order, and an entry in the ledger.
      const thread = world.thread(message).map((m) => m.text);
      const at = (re: RegExp) => thread.findIndex((t) => re.test(t));
      expect(at(/^Canary step 2 of 4 \(pause until promoted\)/)).toBeGreaterThanOrEqual(0);
      expect(at(/^Canary promoted: 4 of 4 steps/)).toBeGreaterThan(
        at(/^Canary step 2 of 4 \(pause until promoted\)/),
      );
      expect((await ledgerKinds(runIdOf(message))).map((e) => e.kind)).toContain('deploy.canary');
      expect(rolloutOf(world.kube, PROD).image).toBe('shop/checkout:1.4.3');
      const entries = await ledgerKinds(runIdOf(message));
      expect(entries).toContainEqual({ kind: 'run.canary.promote', actor: LEAD });
      expect(await deployLog().lastDeploy('checkout', 'prod')).toMatchObject({
        kind: 'deploy',
        toImage: 'shop/checkout:1.4.3',
        outcome: 'succeeded',
      });
    }, 30_000);

    it('/mc rollback on a stable Rollout undoes to the previous revision, then the SLO window runs', async () => {
      await world.bot.engine.idle();
      const message = await plan('rollback checkout --env prod --reason back to 1.4.2');
      expect(shown(message)).toContain('shop/checkout:1.4.2');
      await world.click(message, 'run.approve', LEAD);
      const done = await settledAs(message, 'succeeded');
      await world.bot.engine.idle();
      expect(rolloutOf(world.kube, PROD).image).toBe('shop/checkout:1.4.2');
      expect(history(world, message).join('\n')).toMatch(/Verification interval \d/);
      expect(buttonIds(done)).toEqual(['run.revert']);
      const entries = await ledgerKinds(runIdOf(message));
      expect(entries.map((e) => e.kind)).toContain('run.verification');
      expect(await deployLog().lastDeploy('checkout', 'prod')).toMatchObject({
        kind: 'rollback',
        fromImage: 'shop/checkout:1.4.3',
        toImage: 'shop/checkout:1.4.2',
        outcome: 'succeeded',
      });
    }, 30_000);

    it('/mc rollback mid-canary aborts the canary first, then restores the stable template', async () => {
      await world.bot.engine.idle();
      await setRolloutImage(world.kube, PROD, 'shop/checkout:1.4.4');
      await world.until(
        'the canary to pause',
        () => rolloutOf(world.kube, PROD).status.phase === 'Paused',
      );
      const message = await plan('rollback checkout --env prod --reason canary looks wrong');
      expect(shown(message)).toContain('argo.abort');
      expect(shown(message)).toContain('k8s.rollout-undo');
      // No Promote button comes for a rollback: the plan says mc promotes it itself.
      expect(shown(message)).toContain(
        'mc promotes the restored release fully at once (a rollback skips the 4 canary steps; no Promote to click)',
      );
      expect(shown(message)).not.toContain('waits for argo.promote');
      await world.click(message, 'run.approve', LEAD);
      await settledAs(message, 'succeeded');
      await world.bot.engine.idle();
      await rolloutHealthy(world.kube, PROD);
      expect(rolloutOf(world.kube, PROD).image).toBe('shop/checkout:1.4.2');
      const entries = await ledgerKinds(runIdOf(message));
      expect(entries.find((e) => e.kind === 'run.verification')).toBeDefined();
    }, 30_000);

    it('Abort sends traffic back to stable, restores the image and is recorded as an Argo abort', async () => {
      await world.bot.engine.idle();
      const { message, paused } = await deployToCanary('1.4.4');
      await world.click(paused, 'run.canary-abort', ONCALL);
      const done = await settledAs(message, 'reverted');
      expect(shown(done)).toContain('aborted the canary');
      await world.bot.engine.idle();
      await rolloutHealthy(world.kube, PROD);
      expect(rolloutOf(world.kube, PROD).image).toBe('shop/checkout:1.4.2');
      const entries = await ledgerKinds(runIdOf(message));
      expect(entries).toContainEqual({ kind: 'run.canary.abort', actor: ONCALL });
      const records = await deployLog().recentDeploys({
        service: 'checkout',
        env: 'prod',
        since: new Date(0),
      });
      expect(records.slice(0, 2)).toMatchObject([
        {
          kind: 'argo-abort',
          by: ONCALL,
          fromImage: 'shop/checkout:1.4.4',
          toImage: 'shop/checkout:1.4.2',
          outcome: 'succeeded',
        },
        { kind: 'deploy', toImage: 'shop/checkout:1.4.4', outcome: 'rolled-back' },
      ]);
    }, 30_000);

    it("Argo's own abort (failed analysis) is reported and recorded as an automatic rollback", async () => {
      await world.bot.engine.idle();
      const message = await plan('deploy checkout 1.4.6-bad --env prod --reason canary test');
      await world.click(message, 'run.approve', LEAD);
      const done = await settledAs(message, 'reverted');
      expect(shown(done)).toMatch(/aborted|RolloutAborted/i);
      await world.bot.engine.idle();
      await rolloutHealthy(world.kube, PROD);
      expect(rolloutOf(world.kube, PROD).image).toBe('shop/checkout:1.4.2');
      // Both come from one run; recorded in the same millisecond they sort by kind here.
      const records = (await deployLog().deploysOfRun(runIdOf(message))).sort((a, b) =>
        a.kind.localeCompare(b.kind),
      );
      expect(records).toMatchObject([
        {
          kind: 'auto-rollback',
          by: 'mc',
          onBehalfOf: ONCALL,
          fromImage: 'shop/checkout:1.4.6-bad',
          toImage: 'shop/checkout:1.4.2',
          outcome: 'succeeded',
        },
        { kind: 'deploy', toImage: 'shop/checkout:1.4.6-bad', outcome: 'rolled-back' },
      ]);
    }, 30_000);
  },
);
