import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { loadOrCreateSigningKey } from '../../src/evidence/signing/signing-key.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../src/sandbox/pagerduty/emulator.ts';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { PAYMENTS, seedDrillCluster } from '../drills/drill-world.ts';
import { createTestDatabase } from './postgres.ts';
import { startPrometheus, type TestPrometheus } from './prometheus.ts';
import { type ReplicaSet, startReplicaSet } from './replica-set.ts';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.ts';
import { LEAD, NOBODY, ONCALL, ONCALL2, PROD, STAGING } from './runs-e2e.ts';
import { BOT_TOKEN, loadRepoConfig, REPO_ROOT, SIGNING_SECRET } from './slack.ts';

/** The Alertmanager webhook token every replica accepts. */
export const AM_TOKEN = 'replicas-alertmanager-token-0123';
export { PAYMENTS };

/** Everything the replicas share, and the replicas themselves behind one proxy. */
export interface ReplicaWorld {
  databaseUrl: string;
  kube: KubeEmulator;
  slack: SlackEmulator;
  pagerduty: PagerDutyEmulator;
  exporter: TestExporter;
  prometheus: TestPrometheus;
  set: ReplicaSet;
  proxy: RoundRobinProxy;
  /** One query on the shared database (its own connection). */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A config dir: the repository's commands, playbooks and signing keys (linked) and its catalog
 * with checkout/prod as a plain Deployment (the emulated cluster runs no Argo Rollout there).
 */
async function writeConfigDir(dir: string): Promise<void> {
  for (const sub of ['commands', 'playbooks', 'signing']) {
    await symlink(path.join(REPO_ROOT, sub), path.join(dir, sub));
  }
  const repo = await loadRepoConfig();
  const catalog = structuredClone(repo.catalog);
  const prod = catalog.services.checkout?.environments.prod;
  if (!prod) throw new Error('catalog.yml lost checkout/prod');
  prod.workload = { kind: 'Deployment', name: 'checkout' };
  await writeFile(path.join(dir, 'catalog.yml'), stringify(catalog));
}

/**
 * Starts one database (on the shared test PostgreSQL), the Slack, Kubernetes and PagerDuty
 * emulators, a real Prometheus scraping healthy checkout traffic, `count` bot processes on
 * all of them, and a round-robin proxy in front of the bots.
 */
export async function startReplicaWorld(
  options: { count?: number; timings?: Parameters<typeof startReplicaSet>[0]['timings'] } = {},
): Promise<ReplicaWorld> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const db = await createTestDatabase();
    closers.push(db.drop);
    const exporter = await startTestExporter();
    closers.push(exporter.close);
    exporter.setRate('checkout', { ok: 50, error: 0 });
    const prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
    closers.push(prometheus.close);
    const kube = await startKubeEmulator({ tickMs: 10, timeScale: 100 });
    closers.push(kube.close);
    await seedDrillCluster(kube);
    const slack = await createSlackEmulator({ botToken: BOT_TOKEN });
    closers.push(slack.close);
    for (const id of [ONCALL, ONCALL2, LEAD, NOBODY])
      slack.seedUser({ id, name: id.toLowerCase() });
    slack.seedUsergroup('S05ONCALL1', [ONCALL, ONCALL2]);
    slack.seedUsergroup('S01SRELEAD', [LEAD]);
    slack.seedUsergroup('S02RELMGRS', []);
    slack.seedUsergroup('S03SECOPS1', []);
    const pagerduty = await startPagerDutyEmulator({
      users: [{ name: 'mc', email: 'mc@acme.test' }],
    });
    closers.push(pagerduty.close);
    pagerduty.seedService({ id: 'PCHK7Q2', name: 'checkout (staging)' });

    const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-replicas-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const configDir = path.join(dir, 'config');
    await mkdir(configDir);
    await writeConfigDir(configDir);
    const kubeconfig = path.join(dir, 'kubeconfig.json');
    const kc = kubeConfigFor(kube, [STAGING, PROD], { clusterPerContext: true });
    await writeFile(kubeconfig, kc.exportConfig());
    // One evidence key for every replica, as a Secret mounted in each pod would be.
    const key = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'key') });

    const set = await startReplicaSet({
      count: options.count ?? 3,
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        DATABASE_URL: db.url,
        KUBECONFIG: kubeconfig,
        MC_CONFIG_DIR: configDir,
        MC_SIGNING_KEY: key.path,
        MC_PUBLIC_URL: 'https://mc.test',
        PROMETHEUS_URL: prometheus.url,
        PAGERDUTY_TOKEN: pagerduty.token,
        PAGERDUTY_API_URL: pagerduty.url,
        PAGERDUTY_FROM: 'mc@acme.test',
        ALERTMANAGER_WEBHOOK_TOKEN: AM_TOKEN,
        LOG_LEVEL: 'info',
      },
      envOf: (index) => ({ MC_DATA_DIR: path.join(dir, `data-${index + 1}`) }),
      timings: {
        botId: slack.identity.botId,
        botUserId: slack.identity.botUserId,
        messageUpdateMs: 100,
        ...options.timings,
      },
    });
    closers.push(set.stop);
    const proxy = await startRoundRobinProxy(set.urls);
    closers.push(proxy.close);
    return {
      databaseUrl: db.url,
      kube,
      slack,
      pagerduty,
      exporter,
      prometheus,
      set,
      proxy,
      async query(sql, params = []) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
