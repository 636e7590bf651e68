import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from './logger.ts';

/** One integration as the start-up log shows it. */

/** What the probes read of the environment; telemetry does not import the config layer. */
export interface IntegrationEnv {
  PROMETHEUS_URL?: string | undefined;
  ALERTMANAGER_URL?: string | undefined;
  PAGERDUTY_TOKEN?: string | undefined;
  PAGERDUTY_API_URL: string;
}
export interface IntegrationLine {
  name: string;
  state: 'configured' | 'not configured' | 'reachable' | 'unreachable';
  detail: string;
}

export interface IntegrationInput {
  /** The integration variables of the environment (config/env.ts parses them). */
  env: IntegrationEnv;
  kubeConfig?: KubeConfig | undefined;
  store: { kind: string; where: string };
  /** Per probe (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function reason(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e.message ?? error);
}

async function probeHttp(
  name: string,
  url: string,
  input: IntegrationInput,
  headers: Record<string, string> = {},
): Promise<IntegrationLine> {
  const doFetch = input.fetch ?? fetch;
  const ms = input.timeoutMs ?? 5_000;
  try {
    const res = await withDeadline(doFetch(url, { headers }), ms, url);
    await res.body?.cancel();
    if (res.status >= 500 || res.status === 401 || res.status === 403) {
      return { name, state: 'unreachable', detail: `${url} answered HTTP ${res.status}` };
    }
    return { name, state: 'reachable', detail: url };
  } catch (error) {
    return { name, state: 'unreachable', detail: `${url}: ${reason(error)}` };
  }
}

// Prometheus and Alertmanager may sit under a path prefix (--web.route-prefix).
function readyUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/-/ready`;
}

async function probeKube(context: string, kc: KubeConfig, ms: number): Promise<IntegrationLine> {
  const name = `kubernetes:${context}`;
  // Loaded here, not at the top: without a kubeconfig, client-node never loads at all.
  const { KubeConfig, VersionApi } = await import('@kubernetes/client-node');
  const one = new KubeConfig();
  one.loadFromString(kc.exportConfig());
  one.setCurrentContext(context);
  const server = one.getCurrentCluster()?.server ?? '(no server)';
  try {
    const version = await withDeadline(one.makeApiClient(VersionApi).getCode(), ms, server);
    return { name, state: 'reachable', detail: `${server} (Kubernetes ${version.gitVersion})` };
  } catch (error) {
    return { name, state: 'unreachable', detail: `${server}: ${reason(error)}` };
  }
}

/**
 * Checks every integration the environment configures (Prometheus, Alertmanager, PagerDuty,
 * each Kubernetes context) and names the ones it does not. Slack is checked apart (auth.test).
 */
export async function checkIntegrations(input: IntegrationInput): Promise<IntegrationLine[]> {
  const { env } = input;
  const ms = input.timeoutMs ?? 5_000;
  const lines: Promise<IntegrationLine>[] = [
    Promise.resolve({ name: 'store', state: 'reachable', detail: input.store.where }),
  ];
  const missing = (name: string, how: string): Promise<IntegrationLine> =>
    Promise.resolve({ name, state: 'not configured', detail: how });
  lines.push(
    env.PROMETHEUS_URL
      ? probeHttp('prometheus', readyUrl(env.PROMETHEUS_URL), input)
      : missing('prometheus', 'set PROMETHEUS_URL'),
    env.ALERTMANAGER_URL
      ? probeHttp('alertmanager', readyUrl(env.ALERTMANAGER_URL), input)
      : missing('alertmanager', 'set ALERTMANAGER_URL'),
    env.PAGERDUTY_TOKEN
      ? probeHttp('pagerduty', `${env.PAGERDUTY_API_URL.replace(/\/+$/, '')}/abilities`, input, {
          authorization: `Token token=${env.PAGERDUTY_TOKEN}`,
          accept: 'application/vnd.pagerduty+json;version=2',
        })
      : missing('pagerduty', 'set PAGERDUTY_TOKEN'),
  );
  const contexts = input.kubeConfig?.getContexts() ?? [];
  if (contexts.length === 0) lines.push(missing('kubernetes', 'no context in KUBECONFIG'));
  for (const context of contexts) lines.push(probeKube(context.name, input.kubeConfig!, ms));
  return Promise.all(lines);
}

/** Logs one line per integration: configured and reachable, not configured, or unreachable (warn). */
export function logIntegrations(log: Logger, lines: IntegrationLine[]): void {
  for (const line of lines) {
    const fields = { integration: line.name, state: line.state, detail: line.detail };
    if (line.state === 'unreachable') log.warn(fields, `integration ${line.name}: unreachable`);
    else log.info(fields, `integration ${line.name}: ${line.state}`);
  }
}
