import type { KubeClients } from '../../adapters/kubernetes/create-kube-clients.ts';
import type { DeployLog } from '../../deploys/deploy-log.ts';
import type { AlertSources } from '../../deploys/firing-alerts.ts';
import { StatusInputError, serviceStatus } from '../../deploys/service-status.ts';
import { statusFindings } from '../../findings/status.ts';
import type { RunEngine } from '../../runs/types.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import { renderServiceStatus, renderStatusLines } from '../render/status-live.ts';
import { statusCommand } from './status-command.ts';
import type { CommandHandler } from './types.ts';

export interface StatusDeps extends AlertSources {
  kube: KubeClients;
  engine: Pick<RunEngine, 'active'>;
  /** With `recordDeploy`, status records images changed outside mc as it sees them. */
  deployLog: Pick<DeployLog, 'lastDeploy'> & Partial<Pick<DeployLog, 'recordDeploy'>>;
  clock: () => Date;
}

// The parser fills --env with the catalog default; status covers every environment unless named.
const ENV_GIVEN = /(^|\s)(--env(\s|=)|env=)/i;

/**
 * `/mc status [service] [--env E]`: live revision, image, rollout health, active runs, the last
 * change from the change log and firing alerts, to the requester only. Without a service, one line per service.
 * `--show slo` keeps the catalog view of the SLO definitions.
 */
export function createStatusCommand(deps: StatusDeps): CommandHandler {
  return async (request) => {
    const { command, config } = request;
    if (command.flags.show === 'slo') return statusCommand(request);
    const env = ENV_GIVEN.test(command.raw) ? command.env : undefined;
    const read = (service: string) =>
      serviceStatus({
        ...deps,
        service,
        ...(env ? { env } : {}),
        catalog: config.catalog,
        now: deps.clock,
      });
    if (command.service) {
      try {
        await request.respond(renderServiceStatus(statusFindings(await read(command.service))));
        return 'ok';
      } catch (error) {
        if (!(error instanceof StatusInputError)) throw error;
        await request.respond(
          renderRunRefusal({ message: error.message, correlationId: request.correlationId }),
        );
        return 'invalid';
      }
    }
    const services = Object.keys(config.catalog.services).filter(
      (s) => !env || Object.hasOwn(config.catalog.services[s]?.environments ?? {}, env),
    );
    const lines = await Promise.all(
      services.map(async (service) => {
        try {
          const findings = statusFindings(await read(service));
          return { service, summaries: findings.map((f) => f.summary) };
        } catch (error) {
          return {
            service,
            summaries: [],
            problem: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    await request.respond(renderStatusLines(lines));
    return 'ok';
  };
}
