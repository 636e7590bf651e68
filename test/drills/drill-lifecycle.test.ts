import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../src/sandbox/pagerduty/emulator.ts';
import {
  buttonIds,
  CHANNEL,
  LEAD,
  NOBODY,
  ONCALL,
  type RollbackWorld,
  STAGING,
} from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import {
  drillMessage,
  drillWhen,
  finishedDrills,
  PAYMENTS,
  readyReplicas,
  runCard,
  seedDrillCluster,
  startRollbackWorld,
} from './drill-world.ts';

/** The first ephemeral answer to a command. */
function answerTo(world: RollbackWorld, responseId: string) {
  return world.until('the answer', () => world.answers(responseId)[0]);
}

describe('e2e: drills always restore (abort, restart, restore failure) and refuse what they must', () => {
  let world: RollbackWorld;
  let pd: PagerDutyEmulator;
  beforeAll(async () => {
    pd = await startPagerDutyEmulator({ users: [{ name: 'mc', email: 'mc@acme.test' }] });
    pd.seedService({ id: 'PCHK7Q2', name: 'checkout (staging)' });
    world = await startRollbackWorld({
      seed: seedDrillCluster,
      tickMs: 50,
      env: { PAGERDUTY_TOKEN: pd.token, PAGERDUTY_API_URL: pd.url, PAGERDUTY_FROM: 'mc@acme.test' },
    });
  });
  afterAll(async () => {
    await world?.close();
    await pd?.close();
  });

  const payments = () => readyReplicas(world, STAGING, PAYMENTS.name, PAYMENTS.namespace);
  const wanted = () => {
    const d = world.kube.get('Deployment', PAYMENTS.namespace, PAYMENTS.name, STAGING);
    return (d?.spec as { replicas?: number } | undefined)?.replicas;
  };

  /** Starts a dependency outage of checkout (payments to zero) and confirms its fault run. */
  async function outage(args: string) {
    const before = world.plans().length;
    await world.command(`drill dependency-outage checkout ${args}`, ONCALL);
    const planned = await world.until('a new drill plan', () => {
      const m = drillMessage(world);
      return m && world.plans().length > before && shown(m).includes('waiting for the fault run')
        ? m
        : undefined;
    });
    expect(shown(planned)).toContain('`payments/staging` has no pods');
    const runId = /run `(r_[a-z2-7]+)`/.exec(shown(planned))?.[1] ?? '';
    await world.click(
      await world.until('the card', () => runCard(world, runId)),
      'run.confirm',
      ONCALL,
    );
    await world.until('payments at zero', () => wanted() === 0 && payments() === 0);
    return drillWhen(world, 'measuring', (t) => t.includes('fault injected'));
  }

  it('refuses an environment the scenario does not allow, with a clear message, and changes nothing', async () => {
    const before = world.plans().length;
    const sent = await world.command(
      'drill dependency-outage checkout --env prod --reason test of the policy',
      LEAD,
    );
    const answer = await answerTo(world, sent.responseId);
    expect(JSON.stringify(answer)).toContain(
      'The `dependency-outage` drill may not run in `prod`: it is allowed only in `staging`',
    );
    expect(world.plans()).toHaveLength(before);
    const unknown = await world.command('drill pod-kil checkout', ONCALL);
    const hint = await answerTo(world, unknown.responseId);
    expect(JSON.stringify(hint)).toContain('Did you mean `pod-kill`?');
    const stranger = await world.command('drill pod-kill checkout', NOBODY);
    const denied = await answerTo(world, stranger.responseId);
    expect(JSON.stringify(denied)).toContain('Only sre-lead or oncall may run `/mc drill`');
  });

  it('Abort mid-drill restores at once', async () => {
    const measuring = await outage('--duration 5m');
    expect(buttonIds(measuring)).toContain('drill.abort');
    // Someone without a role may not stop it; the requester may.
    await world.click(measuring, 'drill.abort', NOBODY);
    await world.click(measuring, 'drill.abort', ONCALL);
    const done = await drillWhen(world, 'aborted', (t) => t.includes('*Result*'));
    expect(shown(done)).toContain('ABORTED');
    expect(wanted()).toBe(3);
    expect(payments()).toBe(3);
    const last = (await finishedDrills(world)).at(-1);
    expect(last).toMatchObject({
      scenario: 'dependency-outage',
      outcome: 'aborted',
      dependency: 'payments',
    });
    expect(last?.recoverySeconds).toBeGreaterThan(0);
    console.log(
      `[measured] dependency-outage (aborted) dependency back in ${last?.recoverySeconds}s`,
    );
    const refusals = world.slack
      .ephemerals(CHANNEL)
      .filter((e) => e.user === NOBODY)
      .map((e) => e.text);
    // The fallback text is plain (it can ping no one); the blocks carry the mention.
    expect(refusals.join('\n')).toMatch(/Only @U0ONCALL01, who started drill/);
  });

  it('a bot restart past the restore deadline restores on start and says so', async () => {
    await outage('--duration 3s');
    await world.restart({}, 3_500);
    const done = await drillWhen(world, 'restored after restart', (t) => t.includes('*Result*'));
    expect(shown(done)).toContain('ABORTED');
    expect(payments()).toBe(3);
    const thread = world
      .thread(done)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toContain(
      'The bot restarted while this drill was running; its restore deadline',
    );
    const last = (await finishedDrills(world)).at(-1);
    expect(last?.note).toContain('a bot restart past the restore deadline');
  });

  it('a restore that fails is escalated loudly in the thread and on PagerDuty, then Retry restore works', async () => {
    const incident = pd.seedIncident({
      title: 'checkout errors during drill',
      serviceId: 'PCHK7Q2',
    });
    await outage('--duration 2s');
    // The API server refuses the scale write of each of the three restore attempts.
    world.kube.failNext(3, {
      status: 500,
      method: 'PATCH',
      pathPattern: '/deployments/payments/scale',
    });
    const failed = await drillWhen(
      world,
      'restore failed',
      (t) => t.includes('RESTORE FAILED'),
      40_000,
    );
    expect(buttonIds(failed)).toContain('drill.retry-restore');
    const thread = world
      .thread(failed)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toContain('<!here> :rotating_light: *Restore of drill');
    expect(thread).toContain('(the fault was: payments/staging replicas 3 → 0)');
    expect(shown(failed)).toContain('restore attempt 3 of 3 failed');
    expect(wanted()).toBe(0);
    // The PagerDuty note is added after the thread's alarm: wait for it, not for an instant.
    const notes = await world.until('the restore-failed note on the incident', () => {
      const found = pd.notes(incident.id).map((n) => n.content);
      return found.some((n) => /restore FAILED/.test(n)) && found;
    });
    expect(notes.join('\n')).toMatch(/restore FAILED/);
    const last = (await finishedDrills(world)).at(-1);
    expect(last?.outcome).toBe('restore-failed');

    expect(world.kube.requests.filter((r) => r.injected)).toHaveLength(3);
    // The API server answers again; a person retries.
    await world.click(failed, 'drill.retry-restore', LEAD);
    await world.until('payments back', () => wanted() === 3 && payments() === 3, 20_000);
    await world.until('the restored line', () =>
      world.thread(failed).some((m) => m.text.startsWith(':white_check_mark: Restored')),
    );
    // The message says so too; the recorded result stays what the ledger holds.
    const restored = await drillWhen(world, 'the message restored', (t) => t.includes('RESTORED'));
    expect(shown(restored)).toContain(`Restored by <@${LEAD}>`);
    expect(buttonIds(restored)).toEqual([]);
    expect((await finishedDrills(world)).at(-1)?.outcome).toBe('restore-failed');
  });
});
