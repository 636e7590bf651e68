import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sandbox/slack/sign-request.ts';
import { SIGNING_SECRET, startBot, type TestBot, visibleText } from '../support/slack.ts';

describe('slack/create-slack-app: commands', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.close());

  it('acks /mc help with an empty 200 and answers ephemerally via response_url', async () => {
    const sent = await bot.command('help');
    expect(sent.status).toBe(200);
    expect(sent.body).toBe('');
    const reply = await bot.emulator.waitFor(() => bot.emulator.responses(sent.responseId)[0]);
    expect(reply.body.response_type).toBe('ephemeral');
    const text = visibleText(reply.body);
    for (const verb of ['deploy', 'rollback', 'gate', 'drill', 'triage', 'status', 'help']) {
      expect(text).toContain(`\`${verb}\``);
    }
    expect(text).toContain('Roll a service back to its previous (or a given) revision');
    expect(text).toContain(
      'Type `/mc help &lt;command&gt;` for its arguments, flags and examples.',
    );
    expect(bot.emulator.unexpected()).toEqual([]);
  });

  it('answers an empty /mc with the same help', async () => {
    const text = visibleText(await bot.ask(''));
    expect(text).toContain('Usage: `/mc &lt;command&gt; [arguments] [--flags]`');
  });

  it('explains one verb with its usage, flags and examples', async () => {
    const text = visibleText(await bot.ask('help rollback'));
    expect(text).toContain(
      '`/mc rollback`: Roll a service back to its previous (or a given) revision',
    );
    expect(text).toContain(
      'Usage: `/mc rollback &lt;service&gt; [--env ENV] [--to REVISION] [--reason TEXT] [--dry-run]`',
    );
    expect(text).toContain('`--to REVISION`');
    expect(text).toContain(
      '`/mc rollback payments --env prod --to 41 --reason "bad migration in v2.7.0"`',
    );
    expect(text).not.toContain('`deploy`  Deploy');
  });

  it.each([
    [
      'rollback checkout --env prod --reason p99 latency doubled after v1.4.2',
      'Understood: roll back `checkout` in `prod` to the previous revision; reason: p99 latency doubled after v1.4.2.',
    ],
    [
      'rollback payments --env prod --to 41',
      'Understood: roll back `payments` in `prod` to revision `41`; no reason given.',
    ],
    [
      'deploy checkout v1.4.2',
      'Understood: deploy `checkout` `v1.4.2` to `staging`; no reason given.',
    ],
    [
      'deploy checkout v1.4.2 --env prod --dry-run --reason ship fix',
      'Understood: deploy `checkout` `v1.4.2` to `prod` (dry run: plan only); reason: ship fix.',
    ],
    [
      'gate payments v2.7.0 --env prod --set pci',
      'Understood: run the `pci` release gate for `payments` `v2.7.0` headed to `prod`.',
    ],
    [
      'drill pod-kill checkout',
      'Understood: run the `pod-kill` drill on `checkout` in `staging` for 5m; no reason given.',
    ],
    [
      'drill report payments --since 90d',
      'Understood: show drill results for `payments` over the last 90d.',
    ],
    ['triage checkout', 'Understood: triage `checkout`.'],
    ['triage Q2W3E4R5T6Y7U8', 'Understood: triage PagerDuty incident `Q2W3E4R5T6Y7U8`.'],
    ['triage', 'Understood: triage everything open (incidents, firing alerts, recent deploys).'],
  ])('/mc %s → what was understood, and that nothing ran', async (typed, understood) => {
    const reply = await bot.ask(typed);
    const text = visibleText(reply);
    expect(text).toContain(understood);
    expect(text).toContain(
      'This app has no handler for this command: nothing was run and nothing changed.',
    );
    expect(reply.response_type).toBe('ephemeral');
  });

  it('says what a protected environment will require', async () => {
    const text = visibleText(await bot.ask('rollback checkout --env prod'));
    expect(text).toContain(
      '`prod` is protected: this will need 1 approval (sre-lead or release-manager) and a reason: add `--reason …`.',
    );
    const staging = visibleText(await bot.ask('rollback checkout --env staging'));
    expect(staging).not.toContain('will need');
  });

  it('acks a slash command meant for another app with a plain explanation', async () => {
    const sent = await sendSlashCommand(
      bot.eventsUrl,
      { command: '/deploy', text: 'checkout', responseUrl: bot.emulator.responseUrl('other') },
      { signingSecret: SIGNING_SECRET },
    );
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({
      response_type: 'ephemeral',
      text: 'This app answers /mc only, not /deploy.',
    });
    expect(bot.emulator.responses('other')).toEqual([]);
  });

  it('posts nothing to channels: every answer is ephemeral', () => {
    expect(bot.emulator.calls('chat.postMessage')).toEqual([]);
    expect(bot.emulator.unexpected()).toEqual([]);
  });
});
