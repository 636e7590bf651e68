import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, HEALTHY, startDeployWorld } from '../support/deploy-e2e.ts';
import { requireBinary } from '../support/prometheus.ts';
import {
  buttonIds,
  CHANNEL,
  LEAD,
  liveImage,
  ONCALL,
  ONCALL2,
  PROD,
  STAGING,
} from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { visibleText } from '../support/slack.ts';

const prometheusBin = requireBinary('prometheus');

function runIdOf(message: EmulatedMessage): string {
  const id = /run (r_[a-z2-7]+) ·/.exec(shown(message))?.[1];
  if (!id) throw new Error(`no run id in: ${shown(message)}`);
  return id;
}

describe.skipIf(!prometheusBin)(
  'e2e: /mc deploy with a verification window on a real Prometheus',
  () => {
    let world: DeployWorld;
    beforeAll(async () => {
      world = await startDeployWorld();
    }, 60_000);
    afterAll(async () => {
      await world?.close();
    });

    const deployLog = () => createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger });
    const ledgerOf = async (runId: string) => {
      const entries: { kind: string; data: unknown }[] = [];
      for await (const e of world.bot.ledger.read()) {
        if (e.subject === `run:${runId}`) entries.push({ kind: e.kind, data: e.data });
      }
      return entries;
    };
    const plan = async (text: string, user = ONCALL) => {
      const before = world.plans().length;
      const sent = await world.command(text, user);
      expect(sent.status).toBe(200);
      return world.until(
        'a plan message',
        () => world.plans().length > before && world.plans().at(-1),
      );
    };
    const settledAs = (message: EmulatedMessage, state: string, timeoutMs = 30_000) =>
      world
        .until(
          `the run to end ${state}`,
          () => {
            const m = world.current(message);
            return shown(m).includes(`— ${state}`) && m;
          },
          timeoutMs,
        )
        .catch((error: Error) => {
          throw new Error(`${error.message}; the message says:\n${shown(world.current(message))}`);
        });
    const outcomeReply = (message: EmulatedMessage) =>
      world.until('the outcome reply', () =>
        world.thread(message).find((m) => /Run r_\w+ .*(succeeded|reverted|failed)/.test(shown(m))),
      );

    it('a good version rolls out, passes 3 healthy intervals and ends succeeded; the deploy log records it', async () => {
      const started = Date.now();
      const message = await plan('deploy checkout 1.4.3 --env staging');
      expect(shown(message)).toContain('`shop/checkout:1.4.2` → `shop/checkout:1.4.3`, 3 pods');
      await world.click(message, 'run.confirm', ONCALL);
      await world.until('verification progress', () =>
        /Verification interval \d/.test(shown(world.current(message))),
      );
      const done = await settledAs(message, 'succeeded');
      const cycleMs = Date.now() - started;
      console.info(`[timing] deploy → rollout → 3 × 1 s verification → succeeded: ${cycleMs} ms`);
      await world.bot.engine.idle();
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
      expect(buttonIds(done)).toEqual(['run.revert']);
      const entries = await ledgerOf(runIdOf(message));
      const verdict = entries.find((e) => e.kind === 'run.verification');
      expect(verdict?.data).toMatchObject({ status: 'healthy' });
      // The card and the outcome reply say what was verified; the evidence keeps the values.
      expect(shown(done)).toMatch(/Verification: 3 SLO intervals, healthy: error-ratio \S+ &lt; /);
      const reply = shown(await outcomeReply(message));
      expect(reply).toContain('every step applied. 3 SLO intervals, healthy: ');
      const link = /<(https:\/\/mc\.test\/evidence\/[^|>]+)\|Evidence>/.exec(reply)?.[1];
      const evidence = await fetch(`${world.baseUrl}${new URL(link ?? '').pathname}`, {
        headers: { accept: 'application/json' },
      });
      const record = (await evidence.json()) as { body: { verification: unknown } };
      expect(record.body.verification).toMatchObject({
        kind: 'slo',
        status: 'healthy',
        intervals: 3,
        checks: expect.arrayContaining([
          { name: 'error-ratio', comparison: '<', threshold: 0.01, value: 0, status: 'passed' },
        ]),
      });
      const last = await deployLog().lastDeploy('checkout', 'staging');
      expect(last).toMatchObject({
        kind: 'deploy',
        fromImage: 'shop/checkout:1.4.2',
        toImage: 'shop/checkout:1.4.3',
        by: ONCALL,
        outcome: 'succeeded',
      });
      expect(last?.evidenceUrl).toMatch(/^https:\/\/mc\.test\/evidence\//);
    }, 60_000);

    it('/mc status shows the revision, image and last change, to the requester only', async () => {
      const sent = await world.command('status checkout --env staging', ONCALL2);
      const [answer] = await world.until(
        'the status answer',
        () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
      );
      const text = visibleText(answer!);
      expect(answer).toMatchObject({ response_type: 'ephemeral' });
      expect(text).toContain('checkout in staging');
      expect(text).toContain('rev 4 · `shop/checkout:1.4.3`');
      expect(text).toMatch(/deploy 1\.4\.2 → 1\.4\.3 by <@U0ONCALL01>.* · succeeded/);
      const all = await world.command('status', ONCALL2);
      const [lines] = await world.until(
        'the overview',
        () => world.answers(all.responseId).length > 0 && world.answers(all.responseId),
      );
      expect(visibleText(lines!)).toMatch(/\*checkout\* `staging`: /);
    });

    it('Prometheus stopped during the window: inconclusive pauses with Continue / Roll back for the requester only', async () => {
      const message = await plan('deploy checkout 1.4.5 --env staging');
      await world.prometheus.stop();
      try {
        await world.click(message, 'run.confirm', ONCALL);
        const paused = await world.until('the pause buttons', () => {
          const m = world.current(message);
          return (
            buttonIds(m).includes('run.verify-continue') &&
            shown(m).includes('Verification paused') &&
            m
          );
        });
        expect(buttonIds(paused)).toEqual(['run.verify-continue', 'run.verify-rollback']);
        expect(shown(paused)).toContain('Verification paused');
        expect(shown(paused)).toContain('— executing');
        // Nobody but the requester decides.
        await world.click(paused, 'run.verify-rollback', ONCALL2);
        await world.until('a refusal', () =>
          world.slack
            .ephemerals(CHANNEL)
            .find(
              (e) =>
                e.user === ONCALL2 &&
                shown(e).includes('decides whether its verification continues'),
            ),
        );
        expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.5');
        await world.click(paused, 'run.verify-rollback', ONCALL);
        await settledAs(message, 'reverted');
      } finally {
        await world.prometheus.start();
      }
      await world.bot.engine.idle();
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
      const entries = await ledgerOf(runIdOf(message));
      expect(entries.find((e) => e.kind === 'run.verification')?.data).toMatchObject({
        status: 'inconclusive',
      });
      expect(entries.find((e) => e.kind === 'run.verification.decision')?.data).toMatchObject({
        decision: 'rollback',
      });
    }, 90_000);

    it('a bad image never becomes ready: the progress deadline reverts it automatically', async () => {
      const message = await plan('deploy checkout 1.4.6-bad --env staging');
      await world.click(message, 'run.confirm', ONCALL);
      const done = await settledAs(message, 'reverted', 40_000);
      expect(shown(done)).toMatch(/ProgressDeadlineExceeded|progress deadline/i);
      await world.bot.engine.idle();
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
      // The failed rollout and mc's undo of it are both in the deploy log, for triage.
      const records = (await deployLog().deploysOfRun(runIdOf(message))).sort((a, b) =>
        a.kind.localeCompare(b.kind),
      );
      expect(records).toMatchObject([
        {
          kind: 'auto-rollback',
          by: 'mc',
          onBehalfOf: ONCALL,
          fromImage: 'shop/checkout:1.4.6-bad',
          toImage: 'shop/checkout:1.4.3',
          outcome: 'succeeded',
        },
        {
          kind: 'deploy',
          by: ONCALL,
          fromImage: 'shop/checkout:1.4.3',
          toImage: 'shop/checkout:1.4.6-bad',
          outcome: 'rolled-back',
        },
      ]);
    }, 60_000);

    it('freeze: a prod deploy is refused; --override-freeze --reason needs an sre-lead, who approves it', async () => {
      const refused = await world.command(
        'deploy checkout 1.4.3 --env prod --reason ship it',
        ONCALL,
      );
      const [why] = await world.until(
        'the refusal',
        () => world.answers(refused.responseId).length > 0 && world.answers(refused.responseId),
      );
      // When the freeze lifts, in the reader's own time zone.
      expect(visibleText(why!)).toMatch(
        /`prod` is frozen until <!date\^\d+\^\{date_short_pretty\} \{time\}\|/,
      );
      expect(visibleText(why!)).toContain('--override-freeze');
      const message = await plan(
        'deploy checkout 1.4.3 --env prod --override-freeze --reason hotfix PAY-1234',
      );
      expect(buttonIds(message)).toEqual(['run.approve', 'run.reject', 'run.cancel']);
      await world.click(message, 'run.approve', LEAD);
      await settledAs(message, 'succeeded');
      await world.bot.engine.idle();
      expect(liveImage(world.kube, PROD)).toBe('shop/checkout:1.4.3');
      const kinds: string[] = [];
      for await (const e of world.bot.ledger.read()) kinds.push(e.kind);
      expect(kinds).toContain('deploy.freeze-refused');
      expect(kinds).toContain('deploy.freeze-override-requested');
    }, 60_000);

    it('/mc rollback shows the revision history without --to, and runs the same verification window', async () => {
      const dry = await world.command('rollback checkout --env staging --dry-run', ONCALL);
      const answers = await world.until('the history', () => {
        const all = world.answers(dry.responseId);
        return all.some((a) => visibleText(a).includes('Revision history')) && all;
      });
      const history = answers
        .map((a) => visibleText(a))
        .find((t) => t.includes('Revision history'));
      // mc's automatic rollback of the bad image put 1.4.3 back: it says so, and for whom.
      expect(history).toMatch(
        /rev \d+ · shop\/checkout:1\.4\.3 · \d+s ago · mc \(automatic rollback for <@U0ONCALL01>\) \(current\)/,
      );
      // Who deployed a revision comes from the deploy log, as a mention (never a raw id).
      expect(history).toMatch(/rev \d+ · shop\/checkout:1\.4\.5 · \d+s ago · <@U0ONCALL01>/);
      expect(history).toContain('rev 3 · shop/checkout:1.4.2');
      const message = await plan('rollback checkout --env staging --to 3');
      await world.click(message, 'run.confirm', ONCALL);
      await world.until('verification progress', () =>
        /Verification interval \d/.test(shown(world.current(message))),
      );
      await settledAs(message, 'succeeded');
      await world.bot.engine.idle();
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.2');
      expect(await deployLog().lastDeploy('checkout', 'staging')).toMatchObject({
        kind: 'rollback',
        fromImage: 'shop/checkout:1.4.3',
        toImage: 'shop/checkout:1.4.2',
        outcome: 'succeeded',
      });
    }, 60_000);

    it('a version that drives the error ratio over threshold is rolled back automatically, with the breach in the thread, ledger and evidence', async () => {
      const started = Date.now();
      const message = await plan('deploy checkout 1.4.7 --env staging');
      expect(shown(message)).toContain('`shop/checkout:1.4.2` → `shop/checkout:1.4.7`');
      await world.click(message, 'run.confirm', ONCALL);
      await world.until('the rollout to finish', () =>
        /Verification interval/.test(shown(world.current(message))),
      );
      world.exporter.setRate('checkout', { ok: 20, error: 30 });
      try {
        const done = await settledAs(message, 'reverted', 40_000);
        console.info(
          `[timing] deploy → rollout → breach → automatic rollback: ${Date.now() - started} ms`,
        );
        expect(shown(done)).toContain('SLO breach: error-ratio =');
        const reply = await outcomeReply(message);
        const text = shown(reply!);
        expect(text).toContain('SLO breach: error-ratio');
        expect(text).toContain(
          'query: sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m]))',
        );
        expect(text).toContain(`${world.prometheus.url}/graph?`);
        await world.bot.engine.idle();
        expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.2');
        const runId = runIdOf(message);
        const entries = await ledgerOf(runId);
        expect(entries.find((e) => e.kind === 'run.verification')?.data).toMatchObject({
          status: 'breached',
          breach: { name: 'error-ratio', status: 'failed' },
        });
        const link = /<(https:\/\/mc\.test\/evidence\/[^|>]+)\|Evidence>/.exec(text)?.[1];
        const evidence = await fetch(`${world.baseUrl}${new URL(link!).pathname}`, {
          headers: { accept: 'application/json' },
        });
        expect(JSON.stringify(await evidence.json())).toContain('SLO breach: error-ratio');
        // The deploy ended rolled back; mc's rollback is a record of its own, for triage.
        const records = (await deployLog().deploysOfRun(runIdOf(message))).sort((a, b) =>
          a.kind.localeCompare(b.kind),
        );
        expect(records).toMatchObject([
          {
            kind: 'auto-rollback',
            by: 'mc',
            onBehalfOf: ONCALL,
            fromImage: 'shop/checkout:1.4.7',
            outcome: 'succeeded',
          },
          { kind: 'deploy', toImage: 'shop/checkout:1.4.7', outcome: 'rolled-back' },
        ]);
      } finally {
        world.exporter.setRate('checkout', HEALTHY);
      }
    }, 90_000);
  },
);
