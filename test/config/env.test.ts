import { describe, expect, it } from 'vitest';
import { formatEnvProblems, loadEnv } from '../../src/config/env.ts';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-123' };

describe('src/config/env', () => {
  it('defaults to HTTP mode, PGlite under ./data, port 3000', () => {
    const result = loadEnv(SLACK);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.mode).toBe('http');
    expect(result.settings.env.PORT).toBe(3000);
    expect(result.settings.dataDir).toMatch(/\/data$/);
    expect(result.settings.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('uses Socket Mode when an app token is set, without a signing secret', () => {
    const result = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-1' });
    expect(result.ok && result.settings.mode).toBe('socket');
  });

  it('strips a trailing slash from MC_PUBLIC_URL and treats empty values as unset', () => {
    const result = loadEnv({ ...SLACK, MC_PUBLIC_URL: 'https://mc.example.com/', PORT: '' });
    expect(result.ok && result.settings.publicUrl).toBe('https://mc.example.com');
    expect(result.ok && result.settings.env.PORT).toBe(3000);
  });

  it.each([
    [{ ...SLACK, SLACK_BOT_TOKEN: 'xoxp-user' }, 'SLACK_BOT_TOKEN must be a bot token'],
    [{ ...SLACK, PORT: '70000' }, 'PORT must be a port number between 0 and 65535'],
    [{ ...SLACK, PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL must be a URL'],
    [{ ...SLACK, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...SLACK, ALERTMANAGER_WEBHOOK_TOKEN: 'short' }, 'at least 16 characters'],
  ])('names the variable and the fix: %o', (env, expected) => {
    const result = loadEnv(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toContain(expected);
  });

  it('lists every problem at once, Slack ones included', () => {
    const result = loadEnv({ PORT: 'x', DATABASE_URL: 'mysql://db' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(4);
    const text = formatEnvProblems(result.problems);
    expect(text.split('\n')[0]).toBe('mc cannot start: 4 problem(s) with the environment:');
  });
});
