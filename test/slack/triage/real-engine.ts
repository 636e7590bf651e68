import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createBuiltinActionRegistry } from '../../../src/actions/builtin-actions.ts';
import { createKubeClients } from '../../../src/adapters/kubernetes/create-kube-clients.ts';
import type { LoadedConfig } from '../../../src/config/load-config.ts';
import { createRoleDirectory } from '../../../src/domain/policy/index.ts';
import type { Ledger } from '../../../src/evidence/ledger/create-ledger.ts';
import { createEvidence } from '../../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from '../../../src/evidence/signing/signing-key.ts';
import { createRunEngine } from '../../../src/runs/create-run-engine.ts';
import type { RunEngine } from '../../../src/runs/types.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import { createRunMessages } from '../../../src/slack/runs/run-messages.ts';
import { slackGroupMembers } from '../../../src/slack/runs/slack-group-members.ts';
import type { SlackWebClient } from '../../../src/slack/web-client.ts';
import type { Store } from '../../../src/store/open-store.ts';
import type { Logger } from '../../../src/telemetry/logger.ts';

export const STAGING = 'gke_acme-staging_europe-west1_main';

/**
 * The real run engine over the test's store, acting on a Kubernetes emulator where
 * checkout/staging is a Deployment of 2 replicas; its plan messages are posted by the real
 * run-message observer. idle() also waits for those messages; close() stops the emulator.
 */
export async function realEngine(parts: {
  store: Store;
  ledger: Ledger;
  slackClient: SlackWebClient;
  config: LoadedConfig;
  log: Logger;
}): Promise<RunEngine & { kube: KubeEmulator; close(): Promise<void> }> {
  const { config, log } = parts;
  const kube = await startKubeEmulator({ tickMs: 10 });
  kube.seed(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'checkout', namespace: 'checkout', labels: { app: 'checkout' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'checkout' } },
          template: {
            metadata: { labels: { app: 'checkout' } },
            spec: { containers: [{ name: 'app', image: 'shop/checkout:1.4.2' }] },
          },
        },
      },
    ],
    STAGING,
  );
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-triage-key-'));
  const key = await loadOrCreateSigningKey({ dataDir, log });
  const evidence = createEvidence({
    db: parts.store.db,
    ledger: parts.ledger,
    key,
    publicUrl: 'https://mc.test',
  });
  const clock = () => new Date();
  const kubeClients = createKubeClients(
    kubeConfigFor(kube, [STAGING], { clusterPerContext: true }),
  );
  const engine = createRunEngine({
    db: parts.store.db,
    ledger: parts.ledger,
    evidence,
    actions: createBuiltinActionRegistry(),
    actionContext: (actor) => ({
      catalog: config.catalog,
      kube: kubeClients,
      log,
      now: clock,
      sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
      actor: actor.id,
    }),
    catalog: config.catalog,
    commands: config.commands,
    roles: createRoleDirectory({
      catalog: config.catalog,
      groupMembers: slackGroupMembers(parts.slackClient),
      now: clock,
    }),
    clock,
    log,
    ownerId: 'triage-test',
  });
  const runMessages = createRunMessages({
    client: parts.slackClient,
    catalog: config.catalog,
    attach: (runId, message) => engine.attachMessage(runId, message),
    get: (runId) => engine.get(runId),
    log,
    clock,
  });
  engine.subscribe(runMessages.observer);
  const inner = engine;
  return {
    ...inner,
    kube,
    async idle() {
      await inner.idle();
      await runMessages.idle();
    },
    async close() {
      runMessages.close();
      await kube.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
