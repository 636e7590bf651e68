import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createBuiltinActionRegistry } from '../../../src/actions/builtin-actions.ts';
import type { ActionContext } from '../../../src/actions/types.ts';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { createLedger, type Ledger } from '../../../src/evidence/ledger/create-ledger.ts';
import { createEvidence, type Evidence } from '../../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from '../../../src/evidence/signing/signing-key.ts';
import { createRunEngine, type RunEngineOptions } from '../../../src/runs/create-run-engine.ts';
import type { RunEngine, RunView } from '../../../src/runs/types.ts';
import {
  type KubeEmulator,
  type KubeEmulatorOptions,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import type { Db } from '../../../src/store/db.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import {
  catalog,
  fakeRoles,
  loadCommands,
  log,
  PROD,
  STAGING,
  seedService,
} from './run-fixtures.ts';

export * from './run-fixtures.ts';

export interface Backend {
  db: Db;
  url?: string;
  ledger: Ledger;
  evidence: Evidence;
  close(): Promise<void>;
}

/** A migrated store (in-memory PGlite, or a fresh PostgreSQL database) with ledger and evidence. */
export async function openBackend(kind: 'pglite' | 'postgres', url?: string): Promise<Backend> {
  const database = kind === 'postgres' && !url ? await createTestDatabase() : undefined;
  const databaseUrl = url ?? database?.url;
  const store = await openStore({ dataDir: null, log, ...(databaseUrl ? { databaseUrl } : {}) });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-runs-'));
  const key = await loadOrCreateSigningKey({ dataDir: dir });
  const ledger = createLedger(store.db);
  const evidence = createEvidence({ db: store.db, ledger, key, publicUrl: 'https://mc.test/' });
  return {
    db: store.db,
    ...(databaseUrl ? { url: databaseUrl } : {}),
    ledger,
    evidence,
    async close() {
      await store.close();
      await database?.drop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A clock that runs with real time, plus whatever `advance` added. */
export function movableClock() {
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const advance = (ms: number) => {
    offset += ms;
  };
  return { clock, advance };
}

/** Observer that keeps every view it was told about. */
export function recordingObserver() {
  const views: RunView[] = [];
  return { views, changed: async (view: RunView) => void views.push(view) };
}

const SEEDED: Array<[context: string, name: string]> = [
  [STAGING, 'checkout'],
  [PROD, 'checkout'],
  [STAGING, 'cart'],
];

/**
 * Waits (bounded) until the seeded Deployments run all their pods: until then the controllers
 * rewrite their status every tick, and a write conditional on resourceVersion (k8s.scale)
 * would meet a genuine 409 that has nothing to do with the test.
 */
async function settle(emulator: KubeEmulator, manual: boolean): Promise<void> {
  const done = () =>
    SEEDED.every(([context, name]) => {
      const d = emulator.get('Deployment', name, name, context);
      const status = (d?.status ?? {}) as {
        availableReplicas?: number;
        observedGeneration?: number;
      };
      const spec = d?.spec as { replicas: number } | undefined;
      return (
        status.availableReplicas === spec?.replicas &&
        Number(status.observedGeneration) >= Number(d?.metadata.generation)
      );
    });
  for (let i = 0; i < 500 && !done(); i++) {
    if (manual) emulator.tick();
    else await delay(10);
  }
  if (!done()) throw new Error('the seeded Deployments did not settle');
}

export interface World {
  emulator: KubeEmulator;
  backend: Backend;
  ctx: ActionContext;
  clock: ReturnType<typeof movableClock>;
  /** Ledger head when the world started: what this test appended comes after it. */
  ledgerStart: number;
  engine(overrides?: Partial<RunEngineOptions>): RunEngine;
  /** Waits for the engines, checks the ledger verifies, forgets the runs, stops the emulator. */
  close(): Promise<void>;
}

/**
 * A fresh emulator (both contexts seeded) over a shared store, and a factory of engines.
 * Stores are slow to open (PGlite: 1-3 s), so test files open one and share it; close()
 * deletes the runs so the next test starts with every target unlocked.
 */
export async function startRunWorld(
  backend: Backend,
  emulatorOptions: KubeEmulatorOptions = {},
): Promise<World> {
  const emulator = await startKubeEmulator({ tickMs: 10, ...emulatorOptions });
  seedService(emulator, STAGING);
  seedService(emulator, PROD);
  seedService(emulator, STAGING, 'cart', 'shop/cart:2.0.0');
  await settle(emulator, emulatorOptions.autoTick === false);
  const clock = movableClock();
  const kube = createKubeClients(
    kubeConfigFor(emulator, [STAGING, PROD], { clusterPerContext: true }),
  );
  const ctx: ActionContext = {
    catalog,
    kube,
    log,
    now: clock.clock,
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
  };
  const commands = await loadCommands();
  const engines: RunEngine[] = [];
  return {
    emulator,
    backend,
    ctx,
    clock,
    ledgerStart: (await backend.ledger.head()).seq,
    engine(overrides = {}) {
      const engine = createRunEngine({
        db: backend.db,
        ledger: backend.ledger,
        evidence: backend.evidence,
        actions: createBuiltinActionRegistry(),
        actionContext: (actor) => ({ ...ctx, actor: actor.id }),
        catalog,
        commands,
        roles: fakeRoles(),
        clock: clock.clock,
        log,
        ownerId: `test-${engines.length + 1}`,
        verifyTimeoutMs: 10_000,
        ...overrides,
      });
      engines.push(engine);
      return engine;
    },
    async close() {
      await Promise.all(engines.map((e) => e.idle()));
      try {
        // Every test leaves a chain that verifies: the ledger is the audit trail of all of it.
        const report = await backend.ledger.verify();
        if (!report.ok) throw new Error(`ledger does not verify: ${JSON.stringify(report)}`);
      } finally {
        await backend.db.query('DELETE FROM run_approvals');
        await backend.db.query('DELETE FROM runs');
        await emulator.close();
      }
    },
  };
}

interface DeploymentSpec {
  replicas: number;
  template: { spec: { containers: { image: string }[] } };
}

/** A Deployment as the emulator holds it: replicas, the app image and the pod template. */
export function deploymentOf(world: World, context: string, name = 'checkout') {
  const spec = world.emulator.get('Deployment', name, name, context)?.spec as
    | DeploymentSpec
    | undefined;
  if (!spec) throw new Error(`no Deployment ${name}/${name} in ${context}`);
  return {
    replicas: spec.replicas,
    image: spec.template.spec.containers[0]?.image,
    template: spec.template,
  };
}

/** PATCH requests the emulator answered for a path (RegExp on the API path). */
export function patches(emulator: KubeEmulator, pathPattern: RegExp) {
  return emulator.requests.filter((r) => r.method === 'PATCH' && pathPattern.test(r.path));
}

/** Ledger entries of a kind (about a subject) appended since the world started. */
export async function ledgerEntries(world: World, kind: string, subject?: string) {
  const found = [];
  for await (const entry of world.backend.ledger.read({ from: world.ledgerStart + 1 })) {
    if (entry.kind === kind && (subject === undefined || entry.subject === subject))
      found.push(entry);
  }
  return found;
}
