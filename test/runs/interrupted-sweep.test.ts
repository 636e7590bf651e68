import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { type RollbackWorld, startRollbackWorld } from '../support/runs-e2e.ts';
import {
  type Backend,
  openBackend,
  PROD,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/run-worker.ts', import.meta.url));

/** Resolves with the child's first stdout line (JSON) once it is ready; rejects if it exits. */
function ready(child: ChildProcess): Promise<{ runs: string[] }> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
}

describe.skipIf(postgresSkipReason() !== null)(
  'src/bot sweep for interrupted runs (PostgreSQL)',
  () => {
    let backend: Backend | undefined;
    let cluster: World | undefined;
    let bot: RollbackWorld | undefined;
    let child: ChildProcess | undefined;
    let dir: string | undefined;
    afterEach(async () => {
      if (child?.exitCode === null) child.kill('SIGKILL');
      await bot?.close();
      await cluster?.close();
      await backend?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
      [backend, cluster, bot, child, dir] = [undefined, undefined, undefined, undefined, undefined];
    });

    it('a running bot finds the runs of another bot that died, without a restart', async () => {
      backend = await openBackend('postgres');
      // The bot that keeps running shares the database with the one about to die.
      bot = await startRollbackWorld({
        env: { DATABASE_URL: backend.url ?? '' },
        bot: { runs: { heartbeatMs: 100, staleAfterMs: 1_000 }, recoverEveryMs: 100 },
      });
      cluster = await startRunWorld(backend, { autoTick: false });
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-sweep-'));
      const kubeconfig = path.join(dir, 'kubeconfig');
      const kc = kubeConfigFor(cluster.emulator, [STAGING, PROD], { clusterPerContext: true });
      await fs.writeFile(kubeconfig, kc.exportConfig());
      child = spawn(
        process.execPath,
        ['--import', 'tsx', WORKER, backend.url ?? '', kubeconfig, dir],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const { runs } = await ready(child);
      const engine = bot.bot.engine;
      for (const id of runs) expect((await engine.get(id))?.run.state).toBe('executing');

      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const states = async () =>
        Promise.all(runs.map(async (id) => (await engine.get(id))?.run.state));
      let seen = await states();
      for (let i = 0; i < 500 && seen.some((s) => s !== 'interrupted'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await states();
      }
      expect(seen).toEqual(['interrupted', 'interrupted']);
      expect(bot.logs.lines().some((l) => l.msg === 'interrupted runs posted')).toBe(true);
    }, 90_000);
  },
);
