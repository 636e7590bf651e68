/**
 * Real Prometheus and Alertmanager (the Debian binaries) on loopback, for tests and by hand:
 *   npx tsx scripts/observability.ts prometheus --target 127.0.0.1:9464 [--rules rules.yml]
 *       [--alertmanager http://127.0.0.1:9093]
 *   npx tsx scripts/observability.ts alertmanager --webhook http://127.0.0.1:3000/webhooks/alertmanager
 *       [--token TOKEN]
 * Each runs in a fresh temp dir on a free port until Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

/** A daemon this process started; stop() keeps its data dir so start() can bring it back. */
export interface Daemon {
  name: string;
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the process and deletes its data dir. */
  close(): Promise<void>;
  running(): boolean;
  /** The last lines the process wrote to stderr (both daemons log there). */
  stderrTail(): string;
}

export interface PrometheusLaunch {
  binary: string;
  scrapeTargets: string[];
  rules?: string;
  alertmanagerUrl?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  readyTimeoutMs?: number;
}

export interface AlertmanagerLaunch {
  binary: string;
  webhookUrl: string;
  webhookToken?: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  readyTimeoutMs?: number;
}

/** Absolute path of an executable found on PATH, or undefined. */
export function findBinary(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A loopback port that was free a moment ago (bound on port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** prometheus.yml scraping the targets as job `mc-test`, with optional rules and Alertmanager. */
export function prometheusConfig(options: Omit<PrometheusLaunch, 'binary'>): string {
  const scrape = options.scrapeInterval ?? '1s';
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: scrape,
      scrape_timeout: scrape, // the 10 s default is refused when longer than the interval
      evaluation_interval: options.evaluationInterval ?? '1s',
    },
    scrape_configs: [{ job_name: 'mc-test', static_configs: [{ targets: options.scrapeTargets }] }],
  };
  if (options.rules !== undefined) config.rule_files = ['rules.yml'];
  if (options.alertmanagerUrl) {
    const am = new URL(options.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: am.protocol.replace(':', ''),
          path_prefix: am.pathname,
          static_configs: [{ targets: [am.host] }],
        },
      ],
    };
  }
  return stringify(config);
}

/** alertmanager.yml with one webhook receiver (bearer token, resolved notifications on). */
export function alertmanagerConfig(options: Omit<AlertmanagerLaunch, 'binary'>): string {
  const webhook: Record<string, unknown> = { url: options.webhookUrl, send_resolved: true };
  if (options.webhookToken) {
    webhook.http_config = { authorization: { type: 'Bearer', credentials: options.webhookToken } };
  }
  return stringify({
    route: {
      receiver: 'mc',
      group_by: ['alertname'],
      group_wait: options.groupWait ?? '0s',
      group_interval: options.groupInterval ?? '1s',
      repeat_interval: options.repeatInterval ?? '1h',
    },
    receivers: [{ name: 'mc', webhook_configs: [webhook] }],
  });
}

/** Starts Prometheus in a temp dir and resolves once /-/ready answers 200. */
export function launchPrometheus(options: PrometheusLaunch): Promise<Daemon> {
  return launch('prometheus', options.binary, options.readyTimeoutMs, (dir, port) => {
    writeFileSync(path.join(dir, 'prometheus.yml'), prometheusConfig(options));
    if (options.rules !== undefined) writeFileSync(path.join(dir, 'rules.yml'), options.rules);
    return [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`, // generatorURL links; default is the hostname
      '--web.enable-lifecycle',
    ];
  });
}

/** Starts Alertmanager (no clustering) in a temp dir and resolves once /-/ready answers 200. */
export function launchAlertmanager(options: AlertmanagerLaunch): Promise<Daemon> {
  return launch('alertmanager', options.binary, options.readyTimeoutMs, (dir, port) => {
    writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerConfig(options));
    return [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ];
  });
}

const TAIL_LINES = 30;

async function launch(
  name: string,
  binary: string,
  readyTimeoutMs = 15_000,
  writeConfig: (dir: string, port: number) => string[],
): Promise<Daemon> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mc-${name}-`));
  let port = await freePort();
  let args = writeConfig(dir, port);
  let child: ChildProcess | undefined;
  let tail: string[] = [];
  // Dies with us: the test process may end without calling close().
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const url = () => `http://127.0.0.1:${port}`;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (running()) return;
    tail = [];
    const proc = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      tail.push(...chunk.split('\n').filter(Boolean));
      if (tail.length > TAIL_LINES) tail = tail.slice(-TAIL_LINES);
    });
    const spawned = new Promise<void>((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', reject);
    });
    await spawned;
    await waitReady(name, `${url()}/-/ready`, readyTimeoutMs, running, () => tail.join('\n'));
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || !running()) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  // A port freed on port 0 can be taken again before the daemon binds it: retry on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      await stop();
      if (attempt >= 3 || !tail.join('\n').includes('address already in use')) {
        onExit();
        process.off('exit', onExit);
        throw error;
      }
      port = await freePort();
      args = writeConfig(dir, port);
    }
  }

  return {
    name,
    get url() {
      return url();
    },
    get port() {
      return port;
    },
    dir,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', onExit);
    },
    running,
    stderrTail: () => tail.join('\n'),
  };
}

async function waitReady(
  name: string,
  readyUrl: string,
  timeoutMs: number,
  running: () => boolean,
  stderrTail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!running()) {
      throw new Error(`${name} exited during start-up. Last stderr lines:\n${stderrTail()}`);
    }
    const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${name} not ready at ${readyUrl} after ${timeoutMs} ms. Last stderr lines:\n${stderrTail()}`,
  );
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string', multiple: true, default: [] },
      rules: { type: 'string' },
      alertmanager: { type: 'string' },
      webhook: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const which = positionals[0];
  const binaryName = which === 'alertmanager' ? 'prometheus-alertmanager' : 'prometheus';
  const binary = findBinary(binaryName);
  if (which !== 'prometheus' && which !== 'alertmanager') {
    throw new Error('usage: observability.ts prometheus|alertmanager [options] (see file header)');
  }
  if (!binary) throw new Error(`${binaryName} not on PATH: apt-get install -y ${binaryName}`);
  const daemon =
    which === 'prometheus'
      ? await launchPrometheus({
          binary,
          scrapeTargets: values.target,
          ...(values.rules ? { rules: readFileSync(values.rules, 'utf8') } : {}),
          ...(values.alertmanager ? { alertmanagerUrl: values.alertmanager } : {}),
        })
      : await launchAlertmanager({
          binary,
          webhookUrl: values.webhook ?? 'http://127.0.0.1:3000/webhooks/alertmanager',
          ...(values.token ? { webhookToken: values.token } : {}),
        });
  console.log(`${which} ready at ${daemon.url} (data in ${daemon.dir}); Ctrl-C stops it`);
  process.once('SIGINT', () => void daemon.close().then(() => process.exit(0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
