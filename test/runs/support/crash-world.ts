import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ActionContext } from '../../../src/actions/types.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../../src/sandbox/pagerduty/emulator.ts';
import {
  PROD,
  prodRef,
  STAGING,
  seedDeployment,
  seedRollout,
  settled,
  stagingRef,
  startWorld,
  type World,
} from '../../actions/world.ts';
import type { TestAlertmanager } from '../../support/alertmanager.ts';
import {
  type ForwardedWrite,
  type KillingProxy,
  startKillingProxy,
} from '../../support/killing-proxy.ts';
import type { CrashSetup } from './crash-engine.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../fixtures/crash-worker.ts', import.meta.url));

/** Emulated APIs with a killing proxy in front of each, and a data directory for the bot. */
export interface CrashWorld {
  kube: World;
  pd?: PagerDutyEmulator;
  /** Direct action context (the test's own hands, not the bot's). */
  ctx: ActionContext;
  /** What both bots (the crashing child, the restarted one) use: the proxies. */
  setup: CrashSetup;
  /** Every write that reached an API through the proxies, in order. */
  writes: ForwardedWrite[];
  /** Starts the bot as a child process; resolves once the proxy killed it after the first write. */
  crashChild(step: { env: string; action: string; params: object }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh world: staging Deployment and prod Rollout on 1.4.1 (settled), optional PagerDuty,
 * over `dataDir` (a migrated PGlite store the test file shares: creating one takes seconds).
 */
export async function startCrashWorld(options: {
  dataDir: string;
  pagerduty?: boolean;
  alertmanager?: TestAlertmanager;
}): Promise<CrashWorld> {
  const kube = await startWorld();
  seedDeployment(kube, 'shop/checkout:1.4.1', 3);
  seedRollout(kube, 'shop/checkout:1.4.1', 4);
  kube.emulator.seed(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-flags', namespace: 'checkout' },
        data: { 'new-cart': 'off' },
      },
    ],
    STAGING,
  );
  await settled(kube, stagingRef);
  await settled(kube, prodRef);
  const pd = options.pagerduty
    ? await startPagerDutyEmulator({ users: [{ name: 'On Call', email: 'oncall@example.com' }] })
    : undefined;
  const { dataDir } = options;
  const writes: ForwardedWrite[] = [];
  let child: ChildProcess | undefined;
  let armed = false;
  const proxies: KillingProxy[] = [];
  const proxy = async (upstream: string) => {
    const started = await startKillingProxy({
      upstream,
      writes,
      armed: () => armed,
      kill: () => {
        armed = false;
        child?.kill('SIGKILL');
      },
    });
    proxies.push(started);
    return started.url;
  };
  const kubeUrl = await proxy(kube.emulator.url);
  const setup: CrashSetup = {
    dataDir,
    kube: Object.fromEntries(
      [STAGING, PROD].map((name) => [name, `${kubeUrl}/clusters/${encodeURIComponent(name)}`]),
    ),
    ...(pd ? { pagerduty: { url: await proxy(pd.url), token: pd.token } } : {}),
    ...(options.alertmanager ? { alertmanager: await proxy(options.alertmanager.url) } : {}),
  };
  const ctx: ActionContext = {
    ...kube.ctx,
    ...(options.alertmanager ? { alertmanager: options.alertmanager.client } : {}),
  };
  return {
    kube,
    ...(pd ? { pd } : {}),
    ctx,
    setup,
    writes,
    async crashChild(step) {
      armed = true;
      const spawned = spawn(
        process.execPath,
        ['--import', 'tsx', WORKER, JSON.stringify(setup), JSON.stringify(step)],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = spawned;
      let stderr = '';
      spawned.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        spawned.once('exit', (_code, sig) => resolve(sig)),
      );
      armed = false;
      if (signal !== 'SIGKILL') throw new Error(`the bot was not killed by the proxy: ${stderr}`);
    },
    async close() {
      if (child?.exitCode === null) child.kill('SIGKILL');
      await Promise.all(proxies.map((p) => p.close()));
      await pd?.close();
      await kube.close();
    },
  };
}
