import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadEnv, type Settings } from '../config/env.ts';

/** Thrown when the sandbox would reach or expose anything beyond this machine. */
export class NotLoopbackError extends Error {
  constructor(readonly offenders: string[]) {
    super(
      `mc sandbox refuses to start: it only talks to 127.0.0.1, and these are not loopback:\n${offenders
        .map((o) => `  - ${o}`)
        .join(
          '\n',
        )}\nThe sandbox never uses real Slack, PagerDuty, Kubernetes or Prometheus endpoints.`,
    );
    this.name = 'NotLoopbackError';
  }
}

/** A host name or address on this machine only: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return false;
}

/** Whether a URL points at this machine (an unparsable URL is not). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Every endpoint the bot would call with these settings and kubeconfig, each checked to be
 * loopback; throws NotLoopbackError naming every one that is not.
 */
export function assertLoopback(settings: Settings, kubeConfig: KubeConfig, bindHost: string): void {
  const env = settings.env;
  const urls: [string, string | undefined][] = [
    ['SLACK_API_URL', env.SLACK_API_URL],
    ['PAGERDUTY_API_URL', env.PAGERDUTY_API_URL],
    ['PROMETHEUS_URL', env.PROMETHEUS_URL],
    ['ALERTMANAGER_URL', env.ALERTMANAGER_URL],
    ['MC_PUBLIC_URL', settings.publicUrl],
    ...kubeConfig
      .getClusters()
      .map((c): [string, string] => [`kubeconfig cluster ${c.name}`, c.server]),
  ];
  const offenders = urls
    .filter(([, url]) => url !== undefined && !isLoopbackUrl(url))
    .map(([name, url]) => `${name} = ${url}`);
  if (!env.SLACK_API_URL)
    offenders.push('SLACK_API_URL is unset (that would be the real slack.com)');
  if (env.DATABASE_URL)
    offenders.push('DATABASE_URL is set (the sandbox uses its own embedded store)');
  if (env.SLACK_APP_TOKEN) offenders.push('SLACK_APP_TOKEN is set (Socket Mode reaches slack.com)');
  if (!isLoopbackHost(bindHost)) offenders.push(`bind address ${bindHost}`);
  if (offenders.length > 0) throw new NotLoopbackError(offenders);
}

/** Secrets made up for one sandbox run; nothing comes from the environment. */
export interface SandboxSecrets {
  botToken: string;
  signingSecret: string;
  alertmanagerToken: string;
  pagerdutySecret: string;
}

/** Fresh random secrets. */
export function newSecrets(): SandboxSecrets {
  const hex = (n: number) => randomBytes(n).toString('hex');
  return {
    botToken: `xoxb-sandbox-${hex(6)}-${hex(12)}`,
    signingSecret: `sandbox-signing-${hex(16)}`,
    alertmanagerToken: `sandbox-am-${hex(16)}`,
    pagerdutySecret: `sandbox-pd-${hex(16)}`,
  };
}

export interface SandboxEndpoints {
  slackApiUrl: string;
  pagerdutyUrl: string;
  pagerdutyToken: string;
  prometheusUrl: string;
  /** The simulated Alertmanager's API (absent with an outside Prometheus). */
  alertmanagerUrl?: string;
  dataDir: string;
  configDir: string;
  botPort: number;
  logLevel: string;
}

/**
 * The bot's settings, built from scratch (never from process.env, so no production token,
 * DATABASE_URL or KUBECONFIG can leak in), validated by the same loadEnv as production.
 */
export function sandboxSettings(e: SandboxEndpoints, s: SandboxSecrets): Settings {
  const loaded = loadEnv({
    SLACK_BOT_TOKEN: s.botToken,
    SLACK_SIGNING_SECRET: s.signingSecret,
    SLACK_API_URL: e.slackApiUrl,
    PAGERDUTY_TOKEN: e.pagerdutyToken,
    PAGERDUTY_API_URL: e.pagerdutyUrl,
    PAGERDUTY_FROM: 'mc@acme.test',
    PAGERDUTY_WEBHOOK_SECRET: s.pagerdutySecret,
    PROMETHEUS_URL: e.prometheusUrl,
    ...(e.alertmanagerUrl ? { ALERTMANAGER_URL: e.alertmanagerUrl } : {}),
    ALERTMANAGER_WEBHOOK_TOKEN: s.alertmanagerToken,
    MC_DATA_DIR: e.dataDir,
    MC_CONFIG_DIR: e.configDir,
    MC_PUBLIC_URL: `http://127.0.0.1:${e.botPort}`,
    PORT: String(e.botPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: e.logLevel,
  });
  if (!loaded.ok) throw new Error(`sandbox settings are invalid: ${loaded.problems.join('; ')}`);
  return loaded.settings;
}
