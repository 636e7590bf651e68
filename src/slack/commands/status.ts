import type { KubeClients } from '../../adapters/kubernetes/create-kube-clients.ts';
import type { PrometheusClient } from '../../adapters/prometheus/create-prometheus-client.ts';
import type { DeployLog } from '../../deploys/deploy-log.ts';
import type { AlertSources } from '../../deploys/firing-alerts.ts';
import { StatusInputError, serviceStatus } from '../../deploys/service-status.ts';
import { statusFindings } from '../../findings/status.ts';
import type { RunEngine } from '../../runs/types.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import { renderServiceStatus } from '../render/status-live.ts';
import { renderHealthLines } from '../render/status-views.ts';
import { type ShowView, showStatusView } from './status-show.ts';
import type { CommandHandler } from './types.ts';

export interface StatusDeps extends AlertSources {
  kube: KubeClients;
  engine: Pick<RunEngine, 'active'>;
  /** With `recordDeploy`, status records images changed outside mc as it sees them. */
  deployLog: Pick<DeployLog, 'lastDeploy' | 'recentDeploys'> &
    Partial<Pick<DeployLog, 'recordDeploy'>>;
  /** Firing alerts, and for `--show slo` each SLO's live value and graph link. */
  prometheus?: Pick<PrometheusClient, 'alerts' | 'query' | 'graphUrl'>;
  clock: () => Date;
}

const VIEWS: readonly string[] = ['pods', 'revisions', 'runs', 'slo'] satisfies ShowView[];

// The parser fills --env with the catalog default; status covers every environment unless named.
const ENV_GIVEN = /(^|\s)(--env(\s|=)|env=)/i;

/**
 * `/mc status [service] [--env E]`: live revision, image, rollout health, active runs, the last
 * change from the change log and firing alerts, to the requester only. Without a service, one
 * line per service and environment, abnormal first. `--show pods|revisions|runs|slo` read
 * those live views instead.
 */
export function createStatusCommand(deps: StatusDeps): CommandHandler {
  return async (request) => {
    const { command, config } = request;
    const env = ENV_GIVEN.test(command.raw) ? command.env : undefined;
    const show = command.flags.show;
    if (typeof show === 'string' && VIEWS.includes(show)) {
      await request.respond(await showStatusView(deps, request, show as ShowView, env));
      return 'ok';
    }
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
    const rows = await Promise.all(
      services.map(async (service) => {
        try {
          return statusFindings(await read(service)).map((f) => ({
            service,
            env: f.title.slice(`${service} in `.length),
            state: f.status,
          }));
        } catch (error) {
          const problem = error instanceof Error ? error.message : String(error);
          return [{ service, env: env ?? 'all', state: 'unknown', problem }];
        }
      }),
    );
    await request.respond(renderHealthLines(rows.flat()));
    return 'ok';
  };
}
