import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEngine, RunRequest } from '../../src/runs/types.ts';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import {
  ALICE,
  type Backend,
  deploymentOf,
  ledgerEntries,
  openBackend,
  PROD,
  patches,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/run-worker.ts', import.meta.url));

/** The first line the child prints, as JSON; rejects if it exits first or takes over 60 s. */
function firstLine(child: ChildProcess): Promise<{ runs: string[] }> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker silent for 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`));
    });
  });
}

function setImage(service: string, env: string, image: string): RunRequest {
  return {
    verb: 'rollback',
    target: { service, env },
    requester: { id: ALICE },
    reason: 'interrupted-run test',
    steps: [{ action: 'k8s.set-image', params: { service, env, image } }],
  };
}

async function requested(engine: RunEngine, request: RunRequest): Promise<string> {
  const outcome = await engine.request(request);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.view.run.id;
}

const checkoutPatches = (world: World) =>
  patches(world.emulator, /namespaces\/checkout\/deployments\/checkout$/).filter(
    (r) => r.cluster === STAGING,
  );

describe('src/runs interrupted runs', () => {
  let backend: Backend | undefined;
  let world: World | undefined;
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await world?.close();
    await backend?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    [backend, world, child, dir] = [undefined, undefined, undefined, undefined];
  });

  it.skipIf(postgresSkipReason() !== null)(
    'a bot SIGKILLed mid-run: its runs become interrupted, one resumes, the other reverts',
    async () => {
      backend = await openBackend('postgres');
      world = await startRunWorld(backend, { autoTick: false });
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-run-worker-'));
      const kubeconfig = path.join(dir, 'kubeconfig');
      const kc = kubeConfigFor(world.emulator, [STAGING, PROD], { clusterPerContext: true });
      await fs.writeFile(kubeconfig, kc.exportConfig());
      child = spawn(
        process.execPath,
        ['--import', 'tsx', WORKER, backend.url ?? '', kubeconfig, dir],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const [a, b] = (await firstLine(child)).runs;
      if (!a || !b) throw new Error('worker reported no runs');
      const engine = world.engine({
        ownerId: 'bot-after-restart',
        heartbeatMs: 100,
        staleAfterMs: 3_000,
      });
      // While the worker lives its heartbeat is fresh: nothing is taken from it.
      expect(await engine.recoverInterrupted()).toEqual([]);

      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      world.clock.advance(10_000);
      const recovered = await engine.recoverInterrupted();
      expect(recovered.map((v) => [v.run.id, v.run.state, v.interruptedFrom]).sort()).toEqual(
        [
          [a, 'interrupted', 'executing'],
          [b, 'interrupted', 'executing'],
        ].sort(),
      );
      const entries = await ledgerEntries(world, 'run.interrupted');
      expect(entries.map((e) => (e.data as { deadOwner: string }).deadOwner)).toEqual([
        'child-bot',
        'child-bot',
      ]);
      expect(await engine.recoverInterrupted()).toEqual([]);

      const emulator = world.emulator;
      const ticker = setInterval(() => emulator.tick(), 10);
      try {
        expect(await engine.resume(a, { id: ALICE })).toMatchObject({
          ok: true,
          view: { run: { state: 'executing' } },
        });
        expect(await engine.revert(b, { id: ALICE })).toMatchObject({
          ok: true,
          view: { run: { state: 'reverting' } },
        });
        await engine.idle();
      } finally {
        clearInterval(ticker);
      }
      const [resumed, reverted] = [await engine.get(a), await engine.get(b)];
      expect(resumed?.run.state).toBe('succeeded');
      expect(resumed?.run.steps[0]?.state).toBe('succeeded');
      expect(deploymentOf(world, STAGING).image).toBe('shop/checkout:1.4.2');
      // The worker applied the image; resuming verified it without patching again.
      expect(checkoutPatches(world)).toHaveLength(1);
      expect(reverted?.run.state).toBe('reverted');
      expect(reverted?.run.steps[0]?.state).toBe('reverted');
      expect(deploymentOf(world, STAGING, 'cart').image).toBe('shop/cart:2.0.0');
      expect(reverted?.evidenceUrl).toBeDefined();
    },
  );

  it('marks runs of an earlier incarnation and of a silent owner interrupted, not those of a live one', async () => {
    backend = await openBackend('pglite');
    world = await startRunWorld(backend);
    const engine = world.engine({ ownerId: 'bot-1' });
    const [mine, ghost, live] = [
      await requested(engine, setImage('checkout', 'staging', 'shop/checkout:1.4.2')),
      await requested(engine, setImage('cart', 'staging', 'shop/cart:2.1.0')),
      await requested(engine, setImage('checkout', 'prod', 'shop/checkout:1.4.2')),
    ];
    const hourAgo = new Date(Date.now() - 3_600_000);
    const own = `UPDATE runs SET state = 'executing', owner_id = $2, owner_heartbeat_at = $3 WHERE id = $1`;
    await backend.db.query(own, [mine, 'bot-1', new Date()]);
    await backend.db.query(own, [ghost, 'bot-gone', hourAgo]);
    await backend.db.query(own, [live, 'bot-2', new Date()]);

    const recovered = await engine.recoverInterrupted();
    expect(recovered.map((v) => v.run.id).sort()).toEqual([mine, ghost].sort());
    expect((await engine.get(live))?.run.state).toBe('executing');

    expect((await engine.resume(mine, { id: ALICE })).ok).toBe(true);
    expect((await engine.revert(ghost, { id: ALICE })).ok).toBe(true);
    await engine.idle();
    expect((await engine.get(mine))?.run.state).toBe('succeeded');
    expect(checkoutPatches(world)).toHaveLength(1);
    expect(deploymentOf(world, STAGING).image).toBe('shop/checkout:1.4.2');
    // The ghost never applied anything: reverting it touches nothing.
    expect((await engine.get(ghost))?.run.state).toBe('reverted');
    expect(deploymentOf(world, STAGING, 'cart').image).toBe('shop/cart:2.0.0');
    expect(await engine.resume(live, { id: ALICE })).toMatchObject({
      ok: false,
      code: 'wrong_state',
    });
    await backend.db.query(`UPDATE runs SET state = 'cancelled' WHERE id = $1`, [live]);
  });

  it("with the embedded store, a restarted bot takes every other owner's run at once, fresh heartbeat or not", async () => {
    backend = await openBackend('pglite');
    world = await startRunWorld(backend);
    const before = world.engine({ ownerId: 'bot-before-restart' });
    const id = await requested(before, setImage('checkout', 'staging', 'shop/checkout:1.4.2'));
    // The previous process died a moment ago: its heartbeat is still fresh.
    const own = `UPDATE runs SET state = 'executing', owner_id = $2, owner_heartbeat_at = $3 WHERE id = $1`;
    await backend.db.query(own, [id, 'bot-before-restart', new Date()]);

    const shared = world.engine({ ownerId: 'bot-on-shared-postgres' });
    expect(await shared.recoverInterrupted()).toEqual([]);
    const restarted = world.engine({ ownerId: 'bot-after-restart', exclusiveStore: true });
    const recovered = await restarted.recoverInterrupted();
    expect(recovered.map((v) => [v.run.id, v.run.state])).toEqual([[id, 'interrupted']]);
    expect((await restarted.revert(id, { id: ALICE })).ok).toBe(true);
    await restarted.idle();
    expect((await restarted.get(id))?.run.state).toBe('reverted');
  });
});
