import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { createPagerDutyClient } from '../adapters/pagerduty/client.ts';
import { createPrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import { Env } from '../config/env.ts';
import type { Catalog } from '../config/schema.ts';
import { createDrillResults } from '../drills/drill-results.ts';
import type { CheckSources } from '../gates/run-checks.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { CliIo } from './io.ts';

/** The parts of the environment the gate checks read, or every problem with them. */
export function gateEnv(io: CliIo): { env: Env } | { problems: string[] } {
  const cleaned = Object.fromEntries(
    Object.entries(io.env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = Env.safeParse(cleaned);
  if (parsed.success) return { env: parsed.data };
  return {
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`),
  };
}

/**
 * What the checks of a gate set read, built as the bot builds them: Prometheus and PagerDuty
 * when their variables are set (their checks are inconclusive otherwise), the clusters of
 * KUBECONFIG, and drill results from the bot's database.
 */
export function gateSources(input: {
  env: Env;
  io: CliIo;
  catalog: Catalog;
  configDir: string;
  db: Db;
  log: Logger;
}): CheckSources {
  const { env, log } = input;
  const kubeConfig = new KubeConfig();
  if (env.KUBECONFIG) kubeConfig.loadFromFile(path.resolve(input.io.cwd, env.KUBECONFIG));
  else kubeConfig.loadFromDefault();
  return {
    catalog: input.catalog,
    kube: createKubeClients(kubeConfig),
    prometheus: env.PROMETHEUS_URL
      ? createPrometheusClient({ url: env.PROMETHEUS_URL, timeoutMs: 5_000, log })
      : undefined,
    pagerduty: env.PAGERDUTY_TOKEN
      ? createPagerDutyClient({
          token: env.PAGERDUTY_TOKEN,
          apiUrl: env.PAGERDUTY_API_URL,
          ...(env.PAGERDUTY_FROM ? { from: env.PAGERDUTY_FROM } : {}),
          log,
        })
      : undefined,
    drills: createDrillResults(input.db),
    clock: () => new Date(),
    configDir: input.configDir,
  };
}
