import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { createDrillResults } from '../drills/drill-results.ts';
import { createGateStore } from '../gates/gate-store.ts';
import { createGateHandlers } from '../slack/gates/gate-handlers.ts';
import type { Feature, FeatureFactory } from './types.ts';

/** `/mc gate` and its Re-run button, over the gate sets in `playbooks/gates/`. */
export const gatesFeature: FeatureFactory = (parts): Feature => {
  const sets = new Map(
    parts.config.playbooks
      .filter((p): p is GatePlaybook => p.kind === 'gate')
      .map((p) => [p.id, p]),
  );
  const handlers = createGateHandlers({
    sources: {
      catalog: parts.config.catalog,
      kube: parts.kube,
      prometheus: parts.prometheus,
      pagerduty: parts.pagerduty,
      drills: createDrillResults(parts.store.db),
      clock: parts.clock,
    },
    sets,
    roles: parts.roles,
    ledger: parts.ledger,
    store: createGateStore(parts.store.db),
    client: parts.slackClient,
  });
  return {
    name: 'gates',
    commandHandlers: { gate: handlers.command },
    actionHandlers: handlers.actions,
  };
};
