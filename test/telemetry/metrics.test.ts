import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from '../support/slack.ts';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('telemetry/metrics: what /metrics shows after commands', () => {
  let bot: TestBot;
  let text: string;
  beforeAll(async () => {
    bot = await startBot();
    for (const typed of [
      'help',
      'help deploy',
      'status',
      'rollback checkout',
      'rollbak checkout',
      'deploy checkout',
    ]) {
      await bot.ask(typed);
    }
    text = await (await fetch(`${bot.baseUrl}/metrics`)).text();
  });
  afterAll(() => bot.close());

  it.each([
    ['mc_commands_total{verb="help",outcome="ok"}', 2],
    ['mc_commands_total{verb="status",outcome="ok"}', 1],
    ['mc_commands_total{verb="rollback",outcome="ok"}', 1],
    ['mc_commands_total{verb="unknown",outcome="invalid"}', 1],
    ['mc_commands_total{verb="deploy",outcome="invalid"}', 1],
    ['mc_slack_ack_seconds_count{kind="command"}', 6],
  ])('%s = %i', (series, value) => {
    expect(sample(text, series)).toBe(value);
  });

  it('observed every ack well inside Slack’s three seconds', () => {
    const total = sample(text, 'mc_slack_ack_seconds_sum{kind="command"}') ?? Number.NaN;
    expect(total).toBeGreaterThan(0);
    expect(sample(text, 'mc_slack_ack_seconds_bucket{le="0.5",kind="command"}')).toBe(6);
  });

  it('declares help and types for the bot’s own series', () => {
    expect(text).toContain('# TYPE mc_commands_total counter');
    expect(text).toContain('# TYPE mc_slack_ack_seconds histogram');
    expect(text).toContain('# TYPE mc_slack_retries_dropped_total counter');
    expect(text).toContain('# TYPE mc_http_requests_rejected_total counter');
  });
});
