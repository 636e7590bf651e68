import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinActionRegistry } from '../../../src/actions/builtin-actions.ts';
import type { EngineOutcome } from '../../../src/runs/types.ts';
import { createRollbackCommand } from '../../../src/slack/commands/rollback.ts';
import type { PostResult } from '../../../src/slack/runs/run-messages.ts';
import { createFakeEngine, type FakeEngine } from '../../support/runs-fake-engine.ts';
import { type RunsTestBot, startRunsBot } from '../../support/runs-slack.ts';
import { makeView } from '../../support/runs-views.ts';
import { visibleText } from '../../support/slack.ts';

describe('src/slack/commands/rollback', () => {
  let bot: RunsTestBot;
  let engine: FakeEngine;
  let posted: PostResult;
  const view = makeView({ env: 'prod', channel: 'C0OPS' });

  beforeEach(async () => {
    bot = await startRunsBot();
    engine = createFakeEngine([view]);
    posted = { ok: true, message: { channel: 'C0OPS', ts: '1.2', threadTs: '1.2' } };
    bot.handlers.rollback = createRollbackCommand({
      engine,
      messages: { posted: async () => posted },
      actions: createBuiltinActionRegistry(),
      actionContext: () => {
        throw new Error('no cluster in this test');
      },
      roles: { rolesOf: async () => new Set(['oncall']) },
    });
  });
  afterEach(async () => {
    await bot.close();
  });

  const answerTo = async (text: string) => {
    const sent = await bot.command(text, { userId: 'U0ALICE001' });
    expect(sent.status).toBe(200);
    await bot.emulator.waitFor(() => engine.callsOf('request').length > 0);
    return sent.responseId;
  };
  const countedSoon = async (outcome: string) => {
    for (let i = 0; i < 100; i++) {
      const value = await counted(outcome);
      if (value > 0) return value;
      await new Promise((r) => setTimeout(r, 20));
    }
    return 0;
  };
  const counted = async (outcome: string) => {
    const metric = await bot.metrics.registry.getSingleMetric('mc_commands_total')?.get();
    return (
      metric?.values.find((v) => v.labels.verb === 'rollback' && v.labels.outcome === outcome)
        ?.value ?? 0
    );
  };

  it('asks the engine for a one-step k8s.rollout-undo run in this channel; a posted plan needs no reply', async () => {
    engine.next.request = [{ ok: true, view }];
    const responseId = await answerTo(
      'rollback checkout --env prod --to 6 --reason bad migration in 1.4.2',
    );
    expect(engine.callsOf('request')).toEqual([
      [
        {
          verb: 'rollback',
          target: { service: 'checkout', env: 'prod' },
          requester: {
            id: 'U0ALICE001',
            name: 'alice',
            origin: { team: 'T0EMULATE', channel: 'C0OPS' },
          },
          reason: 'bad migration in 1.4.2',
          steps: [
            {
              action: 'k8s.rollout-undo',
              params: { service: 'checkout', env: 'prod', toRevision: 6 },
            },
          ],
          channel: 'C0OPS',
          typed: 'rollback checkout --env prod --to 6 --reason bad migration in 1.4.2',
        },
      ],
    ]);
    expect(await countedSoon('ok')).toBe(1);
    expect(bot.emulator.responses(responseId)).toEqual([]);
  });

  it.each<[EngineOutcome & { ok: false }, string]>([
    [
      {
        ok: false,
        code: 'target_locked',
        message:
          '`checkout` in `prod` is locked by run r_other (rollback by <@U0BOB00001>, started 3 min ago). Wait for it or cancel it.',
      },
      'denied',
    ],
    [
      { ok: false, code: 'reason_required', message: '`/mc rollback` in `prod` needs a reason.' },
      'invalid',
    ],
    [
      {
        ok: false,
        code: 'plan_failed',
        message: 'Step 1 (k8s.rollout-undo): checkout/prod is paused; resume it first.',
      },
      'invalid',
    ],
    [
      {
        ok: false,
        code: 'not_allowed',
        message: 'Only oncall, release-manager or sre-lead may run `/mc rollback` in `prod`.',
      },
      'denied',
    ],
  ])('refusal %# goes to the requester alone and is counted', async (refusal, outcome) => {
    engine.next.request = [refusal];
    const responseId = await answerTo('rollback checkout --env prod --reason x');
    const [answer] = await bot.emulator.waitFor(
      () => bot.emulator.responses(responseId)[0] && bot.emulator.responses(responseId),
    );
    expect(answer!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(visibleText(answer!.body)).toContain(refusal.message);
    expect(visibleText(answer!.body)).toContain('Nothing was changed.');
    await bot.emulator.waitFor(async () => (await counted(outcome)) === 1);
    expect(bot.emulator.messages('C0OPS')).toEqual([]);
  });

  it('a plan nobody can see is cancelled, and the requester told how to fix it', async () => {
    engine.next.request = [{ ok: true, view }];
    posted = { ok: false, error: 'not_in_channel' };
    const responseId = await answerTo('rollback checkout --env prod --reason x');
    const [answer] = await bot.emulator.waitFor(
      () => bot.emulator.responses(responseId)[0] && bot.emulator.responses(responseId),
    );
    expect(visibleText(answer!.body)).toContain(
      `I could not post the plan of run ${view.run.id} (Slack said \`not_in_channel\`), so I cancelled it.`,
    );
    expect(engine.callsOf('cancel')).toEqual([
      [
        view.run.id,
        { id: 'U0ALICE001', name: 'alice', origin: { team: 'T0EMULATE', channel: 'C0OPS' } },
      ],
    ]);
    expect(await countedSoon('error')).toBe(1);
  });

  it('says where the plan went when it is not this channel', async () => {
    engine.next.request = [{ ok: true, view }];
    posted = { ok: true, message: { channel: 'C0CHECKOUT', ts: '1.2', threadTs: '1.2' } };
    const responseId = await answerTo('rollback checkout --env prod --reason x');
    const [answer] = await bot.emulator.waitFor(
      () => bot.emulator.responses(responseId)[0] && bot.emulator.responses(responseId),
    );
    expect(visibleText(answer!.body)).toContain(
      `Run ${view.run.id} is planned; its message is in <#C0CHECKOUT>.`,
    );
  });

  it('--dry-run plans through the action registry, never asks the engine for a run', async () => {
    const sent = await bot.command('rollback checkout --env prod --dry-run', {
      userId: 'U0ALICE001',
    });
    const [answer] = await bot.emulator.waitFor(
      () => bot.emulator.responses(sent.responseId)[0] && bot.emulator.responses(sent.responseId),
    );
    expect(visibleText(answer!.body)).toContain('no cluster in this test');
    expect(engine.callsOf('request')).toEqual([]);
    expect(await countedSoon('invalid')).toBe(1);
  });
});
