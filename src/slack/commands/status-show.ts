import type { KubeClients } from '../../adapters/kubernetes/create-kube-clients.ts';
import type { PrometheusClient } from '../../adapters/prometheus/create-prometheus-client.ts';
import type { DeployLog } from '../../deploys/deploy-log.ts';
import { revisionHistory } from '../../deploys/revision-history.ts';
import { readPods, readRuns, readSlos } from '../../deploys/status-views.ts';
import type { RunEngine } from '../../runs/types.ts';
import { type Block, reply, type SlackReply, section } from '../render/blocks.ts';
import { renderRevisionHistory } from '../render/revision-history.ts';
import { renderPods, renderRuns, renderSlos } from '../render/status-views.ts';
import type { CommandRequest } from './types.ts';

/** What the `--show` views read: the cluster, Prometheus, the engine and the change log. */
export interface StatusShowDeps {
  kube: KubeClients;
  engine: Pick<RunEngine, 'active'>;
  deployLog: Pick<DeployLog, 'recentDeploys'>;
  prometheus?: Pick<PrometheusClient, 'query' | 'graphUrl'> | undefined;
  clock: () => Date;
}

export type ShowView = 'pods' | 'revisions' | 'runs' | 'slo';

/** Says which service a per-service view needs, with the known ones to copy. */
function needService(request: CommandRequest, view: ShowView): SlackReply {
  const known = Object.keys(request.config.catalog.services);
  const text = `\`--show ${view}\` is for one service: \`/mc status ${known[0] ?? 'checkout'} --show ${view}\`. Known: ${known.map((s) => `\`${s}\``).join(', ')}.`;
  return reply(text, [section(text)]);
}

/**
 * `/mc status [service] --show pods|revisions|runs|slo`: the live view the help promises. SLOs
 * may cover every service; the other views need one service.
 */
export async function showStatusView(
  deps: StatusShowDeps,
  request: CommandRequest,
  view: ShowView,
  env: string | undefined,
): Promise<SlackReply> {
  const { catalog } = request.config;
  const service = request.command.service;
  const now = deps.clock();
  if (view === 'slo') {
    if (!deps.prometheus) {
      const text =
        'SLO values need Prometheus, and none is configured (set `PROMETHEUS_URL`). The SLO definitions are in catalog.yml.';
      return reply(text, [section(text)]);
    }
    const services = service ? [service] : Object.keys(catalog.services);
    return renderSlos(await readSlos({ catalog, prometheus: deps.prometheus, services }), now);
  }
  if (!service) return needService(request, view);
  const envs = Object.keys(catalog.services[service]?.environments ?? {}).filter(
    (e) => !env || e === env,
  );
  if (view === 'pods') {
    return renderPods(service, await readPods({ catalog, kube: deps.kube, service, envs }), now);
  }
  if (view === 'runs') {
    return renderRuns(
      service,
      await readRuns({ engine: deps.engine, deployLog: deps.deployLog, service, env, now }),
      now,
    );
  }
  const blocks: Block[] = [];
  const fallback: string[] = [];
  for (const e of envs) {
    const head = `Revision history of \`${service}\` in \`${e}\` (\`/mc rollback ${service} --env ${e} --to N\` goes back to one):`;
    const part = await revisionHistory({
      catalog,
      kube: deps.kube,
      deployLog: deps.deployLog,
      service,
      env: e,
      now,
    })
      .then((h) => renderRevisionHistory(head, h.text))
      .catch((error: unknown) => {
        const text = `${head}\nunavailable (${error instanceof Error ? error.message : String(error)})`;
        return reply(text, [section(text)]);
      });
    blocks.push(...part.blocks);
    fallback.push(part.text);
  }
  return reply(fallback.join('\n'), blocks);
}
