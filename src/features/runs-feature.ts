import { revisionHistory } from '../deploys/revision-history.ts';
import { createDeployCommand } from '../slack/commands/deploy.ts';
import { createRollbackCommand } from '../slack/commands/rollback.ts';
import { createStatusCommand } from '../slack/commands/status.ts';
import { createRunActionHandlers } from '../slack/runs/run-action-handlers.ts';
import { createVerificationActionHandlers } from '../slack/runs/verification-action-handlers.ts';
import type { BotParts, Feature } from './types.ts';

/** The parts the runs feature is built from. */
export type RunsNeeds = Pick<
  BotParts,
  | 'actionContext'
  | 'actions'
  | 'clock'
  | 'config'
  | 'deployLog'
  | 'engine'
  | 'groupMembers'
  | 'kube'
  | 'ledger'
  | 'log'
  | 'metrics'
  | 'prometheus'
  | 'roles'
  | 'runMessages'
  | 'slackClient'
  | 'verification'
>;

/** `/mc deploy`, `/mc rollback`, `/mc status` and the run and verification buttons. */
export function runsFeature(parts: RunsNeeds): Feature {
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
}
