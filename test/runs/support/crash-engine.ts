import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { createBuiltinActionRegistry } from '../../../src/actions/builtin-actions.ts';
import type { ActionContext } from '../../../src/actions/types.ts';
import { createAlertmanagerClient } from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import { createPagerDutyClient } from '../../../src/adapters/pagerduty/client.ts';
import { createLedger, type Ledger } from '../../../src/evidence/ledger/create-ledger.ts';
import { createEvidence } from '../../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from '../../../src/evidence/signing/signing-key.ts';
import { createRunEngine } from '../../../src/runs/create-run-engine.ts';
import type { RunEngine } from '../../../src/runs/types.ts';
import { openStore, type Store } from '../../../src/store/open-store.ts';
import { catalog } from '../../actions/world.ts';
import { fakeRoles, loadCommands, log } from './run-fixtures.ts';

// What the crash tests and their child process share; nothing here imports vitest.

/** Where a bot process finds its store and the APIs (direct, or through a killing proxy). */
export interface CrashSetup {
  /** PGlite data directory: the child's, then the restarted bot's. */
  dataDir: string;
  /** Kubernetes server URL per context (emulator or proxy, with the /clusters/<name> path). */
  kube: Record<string, string>;
  pagerduty?: { url: string; token: string };
  alertmanager?: string;
}

/** The action context over the APIs a setup names. */
export function crashContext(setup: CrashSetup): ActionContext {
  const kc = new KubeConfig();
  const user = { name: 'kube-emulator', token: 'kube-emulator-token' };
  const names = Object.keys(setup.kube);
  kc.loadFromOptions({
    clusters: names.map((name) => ({ name, server: setup.kube[name] ?? '', skipTLSVerify: true })),
    users: [user],
    contexts: names.map((name) => ({ name, cluster: name, user: user.name })),
    currentContext: names[0],
  });
  const quiet = { log, retry: { baseDelayMs: 5, maxDelayMs: 20 } };
  return {
    catalog,
    kube: createKubeClients(kc),
    log,
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    actor: 'U0ALICE001',
    ...(setup.pagerduty
      ? {
          pagerduty: createPagerDutyClient({
            token: setup.pagerduty.token,
            apiUrl: setup.pagerduty.url,
            from: 'oncall@example.com',
            ...quiet,
          }),
        }
      : {}),
    ...(setup.alertmanager
      ? {
          alertmanager: createAlertmanagerClient({
            url: setup.alertmanager,
            timeoutMs: 5_000,
            log,
          }),
        }
      : {}),
  };
}

export interface CrashBot {
  store: Store;
  ledger: Ledger;
  engine: RunEngine;
}

/** A bot's run engine on the setup's PGlite data directory, as main.ts wires it (exclusive store). */
export async function openCrashBot(setup: CrashSetup, ownerId: string): Promise<CrashBot> {
  const store = await openStore({ dataDir: path.join(setup.dataDir, 'db'), log });
  const ledger = createLedger(store.db);
  const key = await loadOrCreateSigningKey({ dataDir: setup.dataDir });
  const ctx = crashContext(setup);
  const engine = createRunEngine({
    db: store.db,
    ledger,
    evidence: createEvidence({ db: store.db, ledger, key, publicUrl: 'https://mc.test/' }),
    actions: createBuiltinActionRegistry(),
    actionContext: () => ctx,
    catalog,
    commands: await loadCommands(),
    roles: fakeRoles(),
    clock: () => new Date(),
    log,
    ownerId,
    exclusiveStore: true,
    verifyTimeoutMs: 20_000,
  });
  return { store, ledger, engine };
}
