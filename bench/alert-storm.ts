/**
 * Alert storm: 5,000 alerts across 50 services, as Alertmanager v4 webhooks at concurrency 20,
 * into the whole running bot (createBot: webhook routes + durable inbox + worker + triage +
 * Slack poster) with the Slack emulator behind it. Reports Slack messages posted (target: one per incident,
 * <= 50), webhook p50/p99, time until every incident's message is up to date, peak RSS.
 *
 *   npm run bench -- alert-storm [--alerts 5000] [--services 50] [--concurrency 20] [--per-webhook 1]
 *   BENCH_STORE=postgres npm run bench -- alert-storm   (a PostgreSQL 15 of its own, scripts/postgres.sh)
 *
 * Three processes: this one (load + checks), the bot, the Slack emulator. The bot runs on
 * PGlite in a temp data dir (the default store), or on PostgreSQL, with the repository's
 * config plus 50 generated services, one Slack channel each.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { createBot } from '../src/bot.ts';
import { formatEnvProblems, loadEnv } from '../src/config/env.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createSlackEmulator } from '../src/sandbox/slack/slack-emulator.ts';
import { createInbox } from '../src/store/inbox.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { percentile } from './support/load.ts';
import { machineLine, verdict } from './support/verdict.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'xoxb-bench-storm-token';
const AM_TOKEN = 'bench-storm-alertmanager-token';
const NAMES = ['KubePodCrashLooping', 'QueueBacklog', 'KubePodNotReady', 'HighErrorRate'];
const svc = (i: number) => `svc-${String(i).padStart(2, '0')}`;

function option(name: string, fallback: number): number {
  const flag = process.argv.indexOf(`--${name}`);
  const env = process.env[`BENCH_${name.toUpperCase().replace('-', '_')}`];
  const value = Number((flag >= 0 ? process.argv[flag + 1] : env) ?? fallback);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** A config dir: the repo's commands, playbooks and catalog, plus `count` generated services. */
function makeConfigDir(count: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-storm-config-'));
  for (const sub of ['commands', 'playbooks']) {
    cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  }
  const catalog = parse(readFileSync(path.join(ROOT, 'catalog.yml'), 'utf8'));
  for (let i = 0; i < count; i += 1) {
    const name = svc(i);
    catalog.services[name] = {
      description: `Generated service ${i} of the storm.`,
      slackChannel: `#${name}`,
      pagerduty: { serviceId: `PSTORM${String(i).padStart(2, '0')}` },
      prometheus: { selector: `{service="${name}"}` },
      slo: [{ name: 'errors', query: 'up', comparison: '<', threshold: 1, description: 'Up.' }],
      environments: {
        prod: {
          context: 'gke_acme-prod_europe-west1_main',
          namespace: name,
          workload: { kind: 'Deployment', name },
          container: 'app',
        },
      },
    };
  }
  writeFileSync(path.join(dir, 'catalog.yml'), stringify(catalog));
  return dir;
}

/** Child: the whole bot (createBot, as main.ts builds it); reports its port, then its status. */
async function runBot(configDir: string, apiUrl: string, databaseUrl: string): Promise<void> {
  const loaded = await loadConfig(configDir);
  if (!loaded.ok) throw new Error(`storm config invalid: ${JSON.stringify(loaded.errors[0])}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-storm-data-'));
  const env = loadEnv({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'bench-storm-signing-secret-01',
    SLACK_API_URL: apiUrl,
    ALERTMANAGER_WEBHOOK_TOKEN: AM_TOKEN,
    MC_DATA_DIR: dataDir,
    MC_PUBLIC_URL: 'https://mc.bench',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  if (!env.ok) throw new Error(formatEnvProblems(env.problems));
  // Logs at info into a sink: the bot pays for building its log lines, as in production.
  const log = createLogger({ level: 'info', destination: { write: () => {} } });
  const bot = await createBot({
    settings: env.settings,
    config: loaded.config,
    log,
    botId: 'B0STORM',
    botUserId: 'U0STORM',
    triage: { inboxPollMs: 100 },
  });
  const { port } = await bot.start(0);
  // How long the bot's event loop kept requests waiting: tells the bot's own stalls from a
  // busy machine when the webhook p99 moves.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.send?.({ port });
  const inbox = createInbox(bot.store.db);
  process.on('message', async (message) => {
    if (message === 'status') {
      const { rows } = await bot.store.db.query<{ incidents: string; behind: string }>(
        `SELECT count(*) AS incidents, count(*) FILTER (WHERE published_version < version) AS behind
         FROM incidents`,
      );
      process.send?.({
        inbox: await inbox.counts(),
        incidents: Number(rows[0]?.incidents),
        behind: Number(rows[0]?.behind),
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      });
    } else if (message === 'stop') {
      await bot.stop();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
}

/** Child: the Slack emulator; answers what each channel holds. */
async function runEmulator(): Promise<void> {
  const emulator = await createSlackEmulator({ botToken: TOKEN });
  process.send?.({ apiUrl: emulator.apiUrl });
  process.on('message', async (message) => {
    if (message === 'stats') {
      const posts = emulator.calls('chat.postMessage');
      const channels = [...new Set(posts.map((c) => String(c.args.channel)))].map((channel) => {
        const messages = emulator.messages(channel);
        return { messages: messages.length, text: JSON.stringify(messages.at(-1)?.blocks ?? []) };
      });
      process.send?.({
        posts: posts.filter((c) => c.status === 200).length,
        updates: emulator.calls('chat.update').filter((c) => c.status === 200).length,
        limited: emulator.calls().filter((c) => c.status === 429).length,
        channels,
      });
    } else if (message === 'stop') {
      await emulator.close();
      process.exit(0);
    }
  });
}

/** A PostgreSQL cluster of its own, started by the project's script (about 1 s). */
function startPostgres(): { url: string; destroy(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-storm-pg-'));
  const script = path.join(ROOT, 'scripts/postgres.sh');
  const url = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8' }).trim();
  return { url, destroy: () => void execFileSync('bash', [script, 'destroy', dir]) };
}

function forkRole(role: string, args: string[]): ChildProcess {
  const profile = process.env.BENCH_PROFILE;
  return fork(fileURLToPath(import.meta.url), ['--role', role, ...args], {
    execArgv: [
      ...(process.execArgv.length > 0 ? process.execArgv : ['--import', 'tsx']),
      // BENCH_PROFILE=dir writes a CPU profile of each process to dir, for chrome://inspect.
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function ask<T>(child: ChildProcess, message: string): Promise<T> {
  child.send(message);
  return ((await once(child, 'message')) as [T])[0];
}

/** The webhook bodies: alerts spread round-robin over the services, `perWebhook` each. */
function webhooks(alerts: number, services: number, perWebhook: number): string[] {
  const bodies: string[] = [];
  const now = Date.now();
  for (let n = 0; n < alerts; n += perWebhook) {
    const s = Math.floor(n / perWebhook) % services;
    const batch = Array.from({ length: Math.min(perWebhook, alerts - n) }, (_, k) => {
      const name = NAMES[(n + k) % NAMES.length];
      return {
        status: 'firing',
        labels: {
          alertname: name,
          service: svc(s),
          namespace: svc(s),
          severity: 'critical',
          pod: `${svc(s)}-${n + k}`,
        },
        annotations: { summary: `${name} on ${svc(s)} (alert ${n + k})` },
        startsAt: new Date(now - 60_000 + n + k).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: `http://prometheus:9090/graph?g0.expr=${name}`,
        fingerprint: `storm${(n + k).toString(16).padStart(8, '0')}`,
      };
    });
    const group = { service: svc(s) };
    bodies.push(
      JSON.stringify({
        version: '4',
        groupKey: `{}:{service="${svc(s)}"}`,
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'mc',
        groupLabels: group,
        commonLabels: group,
        commonAnnotations: {},
        externalURL: 'http://alertmanager:9093',
        alerts: batch,
      }),
    );
  }
  return bodies;
}

/** POSTs every body with at most `concurrency` in flight; latency samples (ms) and statuses. */
async function storm(url: URL, bodies: string[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  const statuses = new Map<number, number>();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${AM_TOKEN}` };
  let next = 0;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t0 = performance.now();
      const status = await post(body);
      samples.push(performance.now() - t0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { samples, statuses };
}

interface BotStatus {
  inbox: { pending: number; processing: number };
  incidents: number;
  behind: number;
  peakRssMb: number;
  loopDelayMs: { p99: number; max: number };
}
interface EmulatorStats {
  posts: number;
  updates: number;
  limited: number;
  channels: { messages: number; text: string }[];
}

async function main(): Promise<void> {
  const alerts = option('alerts', 5000);
  const services = option('services', 50);
  const concurrency = option('concurrency', 20);
  const perWebhook = option('per-webhook', 1);
  const configDir = makeConfigDir(services);
  const postgres = process.env.BENCH_STORE === 'postgres' ? startPostgres() : undefined;
  const emulator = forkRole('emulator', []);
  const { apiUrl } = (await once(emulator, 'message'))[0] as { apiUrl: string };
  const bot = forkRole('bot', [configDir, apiUrl, postgres?.url ?? '']);
  const { port } = (await once(bot, 'message'))[0] as { port: number };
  try {
    const bodies = webhooks(alerts, services, perWebhook);
    console.log(
      `alert-storm: ${alerts} alerts, ${services} services, ${bodies.length} webhooks (${perWebhook} alert(s) each), concurrency ${concurrency}, store ${postgres ? 'postgres' : 'pglite'}, ${os.cpus().length} CPUs, node ${process.version}`,
    );
    const started = performance.now();
    const url = new URL(`http://127.0.0.1:${port}/webhooks/alertmanager`);
    const load = await storm(url, bodies, concurrency);
    const loadMs = performance.now() - started;
    // Up to date: inbox drained, no incident behind, and each message shows all its alerts.
    const last = `and ${Math.ceil(alerts / services) - 1} more`;
    let status: BotStatus | undefined;
    let stats: EmulatorStats | undefined;
    let doneMs: number | undefined;
    for (let i = 0; i < 3000 && doneMs === undefined; i += 1) {
      status = await ask<BotStatus>(bot, 'status');
      stats = await ask<EmulatorStats>(emulator, 'stats');
      const drained = status.inbox.pending + status.inbox.processing === 0;
      const shown = stats.channels.filter((c) => c.text.includes(last)).length;
      if (drained && status.behind === 0 && status.incidents === services && shown === services) {
        doneMs = performance.now() - started;
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = [...load.statuses].map(([code, n]) => `${n}×${code}`).join(', ');
    const rate = ((bodies.length / loadMs) * 1000).toFixed(0);
    const p = (q: number) => percentile(load.samples, q).toFixed(1);
    const posts = stats?.posts ?? Number.POSITIVE_INFINITY;
    const most = Math.max(...(stats?.channels ?? []).map((c) => c.messages));
    console.log(`webhooks: ${answers}; sent in ${(loadMs / 1000).toFixed(1)} s (${rate} req/s)`);
    console.log(`webhook latency: p50 ${p(50)} ms, p99 ${p(99)} ms, max ${p(100)} ms`);
    console.log(
      `incidents: ${status?.incidents}; Slack messages posted: ${stats?.posts} (target <= ${services}: ${posts <= services ? 'met' : 'MISSED'}), at most ${most} per channel; chat.update: ${stats?.updates}; 429s: ${stats?.limited}`,
    );
    console.log(
      doneMs === undefined
        ? `NOT up to date: inbox ${JSON.stringify(status?.inbox)}, incidents behind ${status?.behind}`
        : `every incident's message up to date ${(doneMs / 1000).toFixed(1)} s after the first webhook (${((doneMs - loadMs) / 1000).toFixed(1)} s after the last)`,
    );
    console.log(`bot peak RSS: ${status?.peakRssMb.toFixed(0)} MB`);
    console.log(
      `bot event-loop delay: p99 ${status?.loopDelayMs.p99.toFixed(0)} ms, max ${status?.loopDelayMs.max.toFixed(0)} ms`,
    );
    console.log(machineLine());
    const store = process.env.BENCH_STORE === 'postgres' ? 'PostgreSQL' : 'PGlite';
    console.log(
      [
        verdict(`storm webhook p99, ${store}`, percentile(load.samples, 99), 'ms', {
          op: '<=',
          value: 100,
        }),
        verdict(`storm throughput, ${store}`, (bodies.length / loadMs) * 1000, 'req/s', {
          op: '>=',
          value: 500,
        }),
        verdict(`storm peak RSS, ${store}`, status?.peakRssMb ?? Number.NaN, 'MB', {
          op: '<=',
          value: 400,
        }),
      ].join('\n'),
    );
    if (doneMs === undefined || posts > services) process.exitCode = 1;
  } finally {
    bot.send('stop');
    emulator.send('stop');
    await Promise.all([once(bot, 'exit'), once(emulator, 'exit')]);
    postgres?.destroy();
    rmSync(configDir, { recursive: true, force: true });
  }
}

const roleAt = process.argv.indexOf('--role');
const [role, ...roleArgs] = roleAt >= 0 ? process.argv.slice(roleAt + 1) : [];
if (role === 'bot') await runBot(roleArgs[0] ?? '', roleArgs[1] ?? '', roleArgs[2] ?? '');
else if (role === 'emulator') await runEmulator();
else await main();
