import { type Daemon, findBinary, launchPrometheus } from '../../scripts/observability.ts';
import {
  createPrometheusClient,
  type PrometheusClient,
} from '../../src/adapters/prometheus/create-prometheus-client.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

/**
 * Path of a daemon binary. Absent under CI=true: throws, so the test file fails loudly.
 * Absent elsewhere: prints why and returns undefined; use it with `describe.skipIf(!bin)`.
 */
export function requireBinary(name: string): string | undefined {
  const binary = findBinary(name);
  if (binary) return binary;
  const fix = `apt-get install -y ${name} (see .ci/run)`;
  if (process.env.CI === 'true') throw new Error(`${name} is required under CI=true: ${fix}`);
  console.warn(`[skip] ${name} not found on PATH, skipping tests that need it: ${fix}`);
  return undefined;
}

export interface PrometheusOptions {
  /** Default: `prometheus` from PATH. */
  binary?: string;
  /** host:port of each exporter to scrape, as job `mc-test`. */
  scrapeTargets: string[];
  /** Content of a rule file (YAML). */
  rules?: string;
  alertmanagerUrl?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Bound on waiting for the first successful scrape of every target. Default 20 s. */
  firstScrapeTimeoutMs?: number;
}

/** A real Prometheus for one test file. start()/restart() wait for targets again. */
export interface TestPrometheus extends Omit<Daemon, 'start' | 'restart'> {
  client: PrometheusClient;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Milliseconds from spawning to `up == 1` for every target, at the last start. */
  startupMs: number;
}

/** Starts Prometheus and resolves once every target has been scraped with `up == 1`. */
export async function startPrometheus(options: PrometheusOptions): Promise<TestPrometheus> {
  const binary = options.binary ?? findBinary('prometheus');
  if (!binary) throw new Error('prometheus not found on PATH: apt-get install -y prometheus');
  const started = Date.now();
  const daemon = await launchPrometheus({ ...options, binary });
  const client = createPrometheusClient({
    url: daemon.url,
    timeoutMs: 5_000,
    log: createLogger({ level: 'silent' }),
  });
  const timeoutMs = options.firstScrapeTimeoutMs ?? 20_000;
  const handle: TestPrometheus = {
    ...daemon,
    client,
    startupMs: 0,
    async start() {
      const t0 = Date.now();
      await daemon.start();
      await waitForTargets(daemon, client, options.scrapeTargets, t0, timeoutMs);
      handle.startupMs = Date.now() - t0;
    },
    async restart() {
      await daemon.stop();
      await handle.start();
    },
  };
  try {
    await waitForTargets(daemon, client, options.scrapeTargets, started, timeoutMs);
  } catch (error) {
    await daemon.close();
    throw error;
  }
  handle.startupMs = Date.now() - started;
  return handle;
}

async function waitForTargets(
  daemon: Daemon,
  client: PrometheusClient,
  targets: string[],
  since: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = targets;
  // After a restart the TSDB still holds the old `up == 1`: only count scrapes made since.
  const fresh = `up == 1 and timestamp(up) >= ${since / 1000}`;
  while (Date.now() < deadline) {
    const result = await client.query(fresh).catch(() => undefined);
    if (result?.type === 'vector') {
      const up = new Set(result.series.filter((s) => s.value === 1).map((s) => s.labels.instance));
      missing = targets.filter((target) => !up.has(target));
      if (missing.length === 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `Prometheus at ${daemon.url} did not scrape ${missing.join(', ')} with up == 1 within ${timeoutMs} ms.\n` +
      `Targets:\n${await describeTargets(daemon.url)}\nLast stderr lines:\n${daemon.stderrTail()}`,
  );
}

// One line per target, as /api/v1/targets reports it: `instance: health (last error)`.
async function describeTargets(url: string): Promise<string> {
  try {
    const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
      data?: {
        activeTargets?: Array<{
          labels?: { instance?: string };
          health?: string;
          lastError?: string;
        }>;
      };
    };
    const targets = body.data?.activeTargets ?? [];
    if (targets.length === 0) return '  (none discovered yet)';
    return targets
      .map((t) => `  ${t.labels?.instance}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`)
      .join('\n');
  } catch (error) {
    return `  (could not list targets: ${String(error)})`;
  }
}
