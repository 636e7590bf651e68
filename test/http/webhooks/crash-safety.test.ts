import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboxWorker } from '../../../src/http/webhooks/inbox-worker.ts';
import { createInbox } from '../../../src/store/inbox.ts';
import { loadMigrations, runMigrations } from '../../../src/store/migrate.ts';
import { openPgliteDb } from '../../../src/store/pglite-db.ts';
import { createMetrics } from '../../../src/telemetry/metrics.ts';
import { REPO_ROOT } from '../../support/slack.ts';
import { captureLogs } from '../../support/slack-logs.ts';
import { groupOf, recordingConsumer } from './harness.ts';

const TOKEN = 'am-token-crash-4e1b9d7c2a';
const CHILD = path.join(REPO_ROOT, 'test/http/webhooks/crash-child.ts');
const FIRING = fs.readFileSync(
  path.join(REPO_ROOT, 'test/fixtures/alertmanager/webhook-firing.json'),
  'utf8',
);
const withGroup = (key: string) => FIRING.replace('"groupKey": "', `"groupKey": "${key}`);

/** Spawns the child bot; `lines` yields its stdout JSON lines. */
function spawnChild(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, TOKEN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  async function next(timeoutMs: number): Promise<Record<string, string | number>> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`child said nothing in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
    });
    try {
      const line = await Promise.race([lines.next(), late]);
      if (line.done) throw new Error(`child exited: ${stderr}`);
      return JSON.parse(line.value) as Record<string, string | number>;
    } finally {
      clearTimeout(timer);
    }
  }
  return { child, next };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

describe('webhook intake survives SIGKILL (PGlite on disk)', () => {
  let child: ChildProcess | undefined;
  let dataDir = '';
  afterEach(async () => {
    if (child) await kill(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('processes after a restart what was accepted or in hand when the process was killed', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-crash-'));
    const started = spawnChild(dataDir);
    child = started.child;
    const { port } = await started.next(60_000);
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });
    expect((await post(withGroup('in-hand-'))).status).toBe(202);
    // Its consumer took the first delivery and hangs on it.
    const { consuming } = await started.next(10_000);
    expect((await post(withGroup('accepted-'))).status).toBe(202);
    await kill(child); // straight after the 202: no graceful anything

    const { log } = captureLogs();
    const db = await openPgliteDb({ dataDir, log });
    try {
      await runMigrations(db, {
        log,
        migrations: loadMigrations().filter((m) =>
          ['webhook_inbox', 'webhook_event_id'].includes(m.name),
        ),
      });
      const recorder = recordingConsumer();
      const worker = createInboxWorker({
        inbox: createInbox(db),
        consumer: recorder.consumer,
        log,
        metrics: createMetrics({ defaultMetrics: false }),
        pollIntervalMs: 20,
      });
      worker.start();
      await recorder.waitFor(() => recorder.calls.length === 2, 10_000);
      await worker.stop();
      expect(recorder.calls.map((c) => [groupOf(c), c.meta.attempt])).toEqual([
        ['in-hand-{}:{alertname="ProbeValueHigh"}', 2],
        ['accepted-{}:{alertname="ProbeValueHigh"}', 1],
      ]);
      expect(recorder.calls[0]?.meta.inboxId).toBe(consuming);
    } finally {
      await db.close();
    }
  });
});
