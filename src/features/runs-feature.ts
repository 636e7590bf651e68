import { revisionHistory } from '../deploys/revision-history.ts';
import { createDeployCommand } from '../slack/commands/deploy.ts';
import { createRollbackCommand } from '../slack/commands/rollback.ts';
import { createStatusCommand } from '../slack/commands/status.ts';
import { createRunActionHandlers } from '../slack/runs/run-action-handlers.ts';
import { createVerificationActionHandlers } from '../slack/runs/verification-action-handlers.ts';
import type { Feature, FeatureFactory } from './types.ts';

/** `/mc deploy`, `/mc rollback`, `/mc status` and the run and verification buttons. */
export const runsFeature: FeatureFactory = (parts): Feature => {
  const { engine, runMessages, actions, roles, catalog, kube, deployLog, clock } = {
    ...parts,
    catalog: parts.config.catalog,
  };
  const actionContext = parts.actionContext;
  const rollback = createRollbackCommand({
    engine,
    messages: runMessages,
    actions,
    actionContext,
    roles,
    history: async (service, env) =>
      (await revisionHistory({ catalog, kube, deployLog, service, env, now: clock() })).text,
  });
  const deploy = createDeployCommand({
    engine,
    messages: runMessages,
    actions,
    actionContext,
    roles,
    ledger: parts.ledger,
    clock,
  });
  const status = createStatusCommand({
    kube,
    engine,
    deployLog,
    clock,
    ...(parts.prometheus ? { prometheus: parts.prometheus } : {}),
  });
  return {
    name: 'runs',
    commandHandlers: { rollback, deploy, status },
    actionHandlers: {
      ...createRunActionHandlers({
        engine,
        client: parts.slackClient,
        catalog,
        groupMembers: parts.groupMembers,
        log: parts.log,
        metrics: parts.metrics,
      }),
      ...createVerificationActionHandlers({
        verification: parts.verification,
        engine,
        client: parts.slackClient,
      }),
    },
  };
};
