import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { createDrillResults } from '../drills/drill-results.ts';
import { createGateService } from '../gates/gate-service.ts';
import { createGateStore } from '../gates/gate-store.ts';
import { createGateHandlers } from '../slack/gates/gate-handlers.ts';
import { createGateMessages } from '../slack/gates/gate-publisher.ts';
import type { Feature, FeatureFactory } from './types.ts';

/**
 * Longest sleep between two looks at waiver expiries (a clock jump, or a waiver given on
 * another bot than the lease holder, is seen this late at most).
 */
const MAX_SLEEP_MS = 15_000;
/** Waivers are ended by the one bot holding this lease. */
const LEASE = 'gates.waiver-expiry';

/**
 * `/mc gate` (with `waive` and `signoff`), its Re-run and Sign-off buttons, over the gate sets
 * in `playbooks/gates/`; and a timer that ends each waiver at its expiry, even one given before
 * a restart or by another process.
 */
export const gatesFeature: FeatureFactory = (parts): Feature => {
  const log = parts.log.child({ feature: 'gates' });
  const sets = new Map(
    parts.config.playbooks
      .filter((p): p is GatePlaybook => p.kind === 'gate')
      .map((p) => [p.id, p]),
  );
  const store = createGateStore(parts.store.db);
  const service = createGateService({
    sets,
    sources: {
      catalog: parts.config.catalog,
      kube: parts.kube,
      prometheus: parts.prometheus,
      pagerduty: parts.pagerduty,
      drills: createDrillResults(parts.store.db),
      clock: parts.clock,
      configDir: parts.config.dir,
    },
    store,
    ledger: parts.ledger,
    evidence: parts.evidence,
    manifest: {
      catalog: parts.config.catalog,
      kube: parts.kube,
      db: parts.store.db,
      clock: parts.clock,
    },
    roles: parts.roles,
    spec: parts.config.commands.get('gate'),
  });
  const messages = createGateMessages({
    service,
    client: parts.slackClient,
    clock: parts.clock,
    log,
  });
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  let arming: Promise<void> = Promise.resolve();
  let stopped = false;

  /** Sleeps until the next waiver expiry (at most MAX_SLEEP_MS), then ends what expired. */
  function arm(): void {
    if (stopped || !parts.leases.held(LEASE)) return;
    clearTimeout(timer);
    arming = store
      .nextExpiry()
      .then((next) => {
        if (stopped) return;
        clearTimeout(timer);
        if (!next) {
          // A waiver given on another bot is seen at the next look.
          timer = setTimeout(arm, MAX_SLEEP_MS);
          timer.unref();
          return;
        }
        const wait = Math.min(Math.max(next.getTime() - parts.clock().getTime(), 0), MAX_SLEEP_MS);
        clearTimeout(timer);
        timer = setTimeout(() => {
          sweeping = handlers
            .expireWaivers()
            .then(() => undefined)
            .catch((error: unknown) => log.error({ err: error }, 'waiver expiry failed'))
            .finally(arm);
        }, wait + 5);
        timer.unref();
      })
      .catch((error: unknown) => log.error({ err: error }, 'cannot read waiver expiries'));
  }

  const handlers = createGateHandlers({
    service,
    messages,
    client: parts.slackClient,
    log,
    onWaiver: arm,
  });
  return {
    name: 'gates',
    commandHandlers: { gate: handlers.command },
    actionHandlers: handlers.actions,
    async start() {
      parts.leases.job(LEASE, { run: async () => arm() });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([arming, sweeping]);
      clearTimeout(timer);
    },
  };
};
