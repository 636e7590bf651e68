import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot, visibleText } from '../support/slack.ts';

describe('slack/create-slack-app: invalid input', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.close());

  it.each([
    [
      'unknown verb → closest verb',
      'rolback checkout',
      ':warning: Unknown command `rolback`. Did you mean `rollback`?',
      '/mc &lt;',
    ],
    [
      'unknown service → known list and closest',
      'rollback chekout --env prod',
      ':warning: Unknown service `chekout`. Known: checkout, payments, gateway. Did you mean `checkout`?',
      '/mc rollback &lt;service&gt; [--env ENV] [--to REVISION] [--reason TEXT] [--dry-run]',
    ],
    [
      'unknown environment for the service',
      'rollback checkout --env prd',
      ':warning: `checkout` has no environment `prd`. Known: staging, prod. Did you mean `prod`?',
      '/mc rollback &lt;service&gt;',
    ],
    [
      'missing argument',
      'deploy checkout',
      ':warning: Missing `&lt;version&gt;`: The release tag (v1.4.2) or a digest-pinned image',
      '/mc deploy &lt;service&gt; &lt;version | image@sha256:digest&gt;',
    ],
    [
      'unknown flag → closest flag',
      'rollback checkout --enviroment prod',
      ':warning: Unknown flag `--enviroment`.',
      '/mc rollback &lt;service&gt;',
    ],
    [
      'flag value of the wrong type',
      'rollback checkout --to yesterday',
      ':warning: `--to` expects a whole number, like `3`, not `yesterday`.',
      '/mc rollback &lt;service&gt;',
    ],
    [
      'help for an unknown verb',
      'help deplyo',
      ':warning: Unknown command `deplyo`.',
      '/mc help [verb]',
    ],
  ])('%s', async (_name, typed, problem, usage) => {
    const reply = await bot.ask(typed);
    const text = visibleText(reply);
    expect(text).toContain(problem);
    expect(text).toContain(usage);
    expect(text).toContain('Nothing was run. Type `/mc help` for every command.');
    expect(reply.response_type).toBe('ephemeral');
    expect(text).not.toContain('Understood');
  });

  it('counts valid and invalid commands by verb, with unknown verbs under one label', async () => {
    await bot.ask('rollback checkout --env prd');
    await bot.ask('frobnicate everything');
    await bot.ask('rollback checkout');
    const metrics = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/mc_commands_total\{verb="rollback",outcome="invalid"\} [1-9]/);
    expect(metrics).toMatch(/mc_commands_total\{verb="rollback",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/mc_commands_total\{verb="unknown",outcome="invalid"\} [1-9]/);
    expect(metrics).not.toContain('frobnicate');
  });
});
