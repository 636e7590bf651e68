import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadEnv, type Settings } from '../../src/config/env.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import {
  assertLoopback,
  isLoopbackHost,
  NotLoopbackError,
  newSecrets,
  sandboxSettings,
} from '../../src/sandbox/sandbox-settings.ts';
import { REPO_ROOT } from '../support/slack.ts';

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

function settings(overrides: Record<string, string>): Settings {
  const loaded = loadEnv({
    SLACK_BOT_TOKEN: 'xoxb-1-2-sandbox',
    SLACK_SIGNING_SECRET: 'sandbox-signing-secret',
    SLACK_API_URL: 'http://127.0.0.1:1/api/',
    PAGERDUTY_API_URL: 'http://127.0.0.1:2',
    PROMETHEUS_URL: 'http://127.0.0.1:3',
    MC_PUBLIC_URL: 'http://127.0.0.1:4',
    ...overrides,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.settings;
}

describe('sandbox/sandbox-settings: the sandbox talks to 127.0.0.1 only', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
    ['slack.com', false],
    ['localhost.evil.test', false],
    ['::', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('accepts settings whose every endpoint is loopback', () => {
    expect(() =>
      assertLoopback(settings({}), kubeConfig('http://127.0.0.1:5'), '127.0.0.1'),
    ).not.toThrow();
  });

  it.each([
    ['SLACK_API_URL', { SLACK_API_URL: 'https://slack.com/api/' }],
    ['PAGERDUTY_API_URL', { PAGERDUTY_API_URL: 'https://api.pagerduty.com' }],
    ['PROMETHEUS_URL', { PROMETHEUS_URL: 'http://prometheus.monitoring:9090' }],
    ['ALERTMANAGER_URL', { ALERTMANAGER_URL: 'http://10.0.0.9:9093' }],
    ['MC_PUBLIC_URL', { MC_PUBLIC_URL: 'https://mc.acme.com' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://prod-db:5432/mc' }],
  ])('refuses a non-loopback %s', (name, overrides) => {
    expect(() =>
      assertLoopback(settings(overrides), kubeConfig('http://127.0.0.1:5'), '127.0.0.1'),
    ).toThrow(new RegExp(name));
  });

  it('refuses a real cluster in the kubeconfig and a public bind address, naming all of them at once', () => {
    let error: unknown;
    try {
      assertLoopback(settings({}), kubeConfig('https://34.77.1.2'), '0.0.0.0');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotLoopbackError);
    expect((error as NotLoopbackError).offenders).toEqual([
      'kubeconfig cluster c = https://34.77.1.2',
      'bind address 0.0.0.0',
    ]);
  });

  it('builds settings from scratch: nothing of process.env gets in', () => {
    const saved = { ...process.env };
    process.env.SLACK_BOT_TOKEN = 'xoxb-production-token';
    process.env.DATABASE_URL = 'postgres://prod/mc';
    process.env.KUBECONFIG = '/root/.kube/prod';
    try {
      const s = sandboxSettings(
        {
          slackApiUrl: 'http://127.0.0.1:1/api/',
          pagerdutyUrl: 'http://127.0.0.1:2',
          pagerdutyToken: 'pd',
          prometheusUrl: 'http://127.0.0.1:3',
          dataDir: '/tmp/x',
          configDir: REPO_ROOT,
          botPort: 4,
          logLevel: 'silent',
        },
        newSecrets(),
      );
      expect(s.env.SLACK_BOT_TOKEN).toMatch(/^xoxb-sandbox-/);
      expect(s.env.DATABASE_URL).toBeUndefined();
      expect(s.env.KUBECONFIG).toBeUndefined();
      expect(s.publicUrl).toBe('http://127.0.0.1:4');
    } finally {
      process.env = saved;
    }
  });
});

describe('sandbox/run-sandbox: refuses to start with a non-loopback endpoint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-sandbox-refuse-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('startSandbox rejects a Prometheus elsewhere and a public bind address before starting anything', async () => {
    const dataDir = path.join(dir, 'data');
    await expect(
      startSandbox({
        configDir: REPO_ROOT,
        dataDir,
        prometheusUrl: 'http://prometheus.acme.internal:9090',
      }),
    ).rejects.toThrow(/PROMETHEUS_URL = http:\/\/prometheus\.acme\.internal:9090/);
    await expect(
      startSandbox({ configDir: REPO_ROOT, dataDir, host: '0.0.0.0' }),
    ).rejects.toBeInstanceOf(NotLoopbackError);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('`mc sandbox --prometheus-url` with a remote URL exits 2 with the reason', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        'sandbox',
        '--prometheus-url',
        'https://prom.example.com',
        '--data-dir',
        path.join(dir, 'cli'),
      ],
      {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        cwd: REPO_ROOT,
        env: {},
      },
    );
    expect(code).toBe(2);
    expect(err.join('')).toMatch(
      /refuses to start[\s\S]*PROMETHEUS_URL = https:\/\/prom\.example\.com/,
    );
    expect(out.join('')).toBe('');
  });
});
