/**
 * Ack latency of `/mc help`: the real bot against a bare Bolt app that only acks, same
 * machine, same signed requests over loopback. Targets (reported, not asserted): p99 < 50 ms
 * and p99 ratio bot/bare <= 1.5.
 *
 *   npm run bench -- slack-ack   [--requests 2000] [--concurrency 20] [--rounds 4]
 *   BENCH_REQUESTS=5000 BENCH_CONCURRENCY=50 npm run bench -- slack-ack
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  newTriggerId,
  signSlackRequest,
  slashCommandBody,
} from '../src/sandbox/slack/sign-request.ts';
import { type LoadResult, type PreparedRequest, percentile, runLoad } from './support/load.ts';
import { machineLine } from './support/verdict.ts';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
const here = path.dirname(fileURLToPath(import.meta.url));

function option(name: string, fallback: number): number {
  const flag = process.argv.indexOf(`--${name}`);
  const raw = flag >= 0 ? process.argv[flag + 1] : process.env[`BENCH_${name.toUpperCase()}`];
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface EmulatorHandle {
  url: string;
  apiUrl: string;
  responseUrl(id: string): string;
  responseIds(): Promise<string[]>;
  stop(): Promise<void>;
}

function prepare(count: number, emulator: EmulatorHandle, label: string): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const body = slashCommandBody({
      text: 'help',
      triggerId: newTriggerId(),
      responseUrl: emulator.responseUrl(`${label}-${i}`),
    });
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest(SECRET, body),
      },
    };
  });
}

function forkChild(script: string, args: string[]): ChildProcess {
  return fork(path.join(here, script), args, {
    execArgv: [
      ...(process.execArgv.length > 0 ? process.execArgv : ['--import', 'tsx']),
      // BENCH_PROFILE=dir writes a CPU profile of each process to dir, for chrome://inspect.
      ...(process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function stopChild(child: ChildProcess) {
  child.send('stop');
  await once(child, 'exit');
}

async function startChild(mode: 'bot' | 'bare', apiUrl: string) {
  const child = forkChild('support/bot-process.ts', [mode, SECRET, TOKEN, apiUrl]);
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}/slack/events`,
    stop: () => stopChild(child),
  };
}

async function startEmulator(): Promise<EmulatorHandle> {
  const child = forkChild('support/emulator-process.ts', [TOKEN]);
  const [message] = (await once(child, 'message')) as [{ url: string; apiUrl: string }];
  return {
    ...message,
    responseUrl: (id) => `${message.url}/response/${encodeURIComponent(id)}`,
    async responseIds() {
      child.send('count');
      const [reply] = (await once(child, 'message')) as [{ responses: string[] }];
      return reply.responses;
    },
    stop: () => stopChild(child),
  };
}

/**
 * Both apps run at once in their own processes; the load alternates between them in rounds
 * so a burst of noise on a shared machine hits both, and samples are pooled per app.
 */
async function measureBoth(
  emulator: EmulatorHandle,
  count: number,
  concurrency: number,
  rounds: number,
) {
  const bare = await startChild('bare', emulator.apiUrl);
  const bot = await startChild('bot', emulator.apiUrl);
  const pooled = { bare: emptyResult(), bot: emptyResult() };
  try {
    for (const [name, child] of [
      ['bare', bare],
      ['bot', bot],
    ] as const) {
      await runLoad(
        child.url,
        prepare(Math.min(300, count), emulator, `${name}-warm`),
        concurrency,
      );
    }
    const perRound = Math.ceil(count / rounds);
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, child] of [
        ['bare', bare],
        ['bot', bot],
      ] as const) {
        const result = await runLoad(
          child.url,
          prepare(perRound, emulator, `${name}-${round}`),
          concurrency,
        );
        pooled[name].samples.push(...result.samples);
        pooled[name].failures += result.failures;
        pooled[name].wallMs += result.wallMs;
      }
    }
    return pooled;
  } finally {
    await Promise.all([bare.stop(), bot.stop()]);
  }
}

function emptyResult(): LoadResult {
  return { samples: [], failures: 0, wallMs: 0 };
}

function summary(name: string, result: LoadResult) {
  const p50 = percentile(result.samples, 50);
  const p99 = percentile(result.samples, 99);
  const rps = (result.samples.length / result.wallMs) * 1000;
  console.log(
    `${name.padEnd(10)} p50 ${p50.toFixed(2).padStart(7)} ms   p99 ${p99.toFixed(2).padStart(7)} ms   max ${Math.max(
      ...result.samples,
    )
      .toFixed(2)
      .padStart(7)} ms   ${rps.toFixed(0).padStart(6)} req/s   non-200: ${result.failures}`,
  );
  return { p50, p99 };
}

const requests = option('requests', 2000);
const concurrency = option('concurrency', 20);
const rounds = option('rounds', 4);
const emulator = await startEmulator();
try {
  console.log(
    `slack-ack: ${requests} signed "/mc help" per app, concurrency ${concurrency}, ${rounds} alternating rounds, node ${process.version}`,
  );
  const results = await measureBoth(emulator, requests, concurrency, rounds);
  const bare = summary('bare bolt', results.bare);
  const bot = summary('mc bot', results.bot);
  // Replies are posted after the ack; give the last ones a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const answered = (await emulator.responseIds()).filter((id) => /^bot-\d+-/.test(id)).length;
  console.log(
    `mc bot replies posted to response_url: ${answered} of ${results.bot.samples.length}`,
  );
  const ratio = bot.p99 / bare.p99;
  console.log(
    `p99 ratio bot/bare ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'MISSED'}); bot p99 target < 50 ms: ${bot.p99 < 50 ? 'met' : 'MISSED'}`,
  );
  console.log(machineLine());
} finally {
  await emulator.stop();
}
