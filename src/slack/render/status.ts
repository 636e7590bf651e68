import type { Catalog, Service } from '../../config/schema.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

export interface StatusQuery {
  service?: string | undefined;
  /** Only this environment; undefined lists all. */
  env?: string | undefined;
  show: string;
}

const LATER =
  'This answer has no live sources (no cluster, Prometheus or run engine wired in), so it shows the catalog only.';

/** What the catalog says: environments (protected or not) and, per service, where it runs. */
export function renderStatus(catalog: Catalog, query: StatusQuery, now = new Date()): SlackReply {
  const services = Object.entries(catalog.services).filter(
    ([name]) => !query.service || name === query.service,
  );
  const blocks: Block[] = [section(environmentsLine(catalog, query.env, now))];
  const plain: string[] = [];
  for (const [name, service] of services) {
    const text = serviceText(catalog, name, service, query);
    blocks.push(section(escapeMrkdwn(text)));
    plain.push(text);
  }
  if (query.show === 'pods' || query.show === 'runs') {
    blocks.push(context(`:construction: \`--show ${query.show}\` needs live data. ${LATER}`));
  } else {
    blocks.push(context(`From catalog.yml. ${LATER}`));
  }
  const scope = query.service ? `\`${query.service}\`` : `${services.length} services`;
  return reply(escapeMrkdwn(`Status of ${scope}:\n${plain.join('\n')}`), blocks);
}

function environmentsLine(catalog: Catalog, only: string | undefined, now: Date): string {
  const parts = Object.entries(catalog.environments)
    .filter(([name]) => !only || name === only)
    .map(([name, env]) => {
      const freeze = env.freeze.find((w) => Date.parse(w.end) > now.getTime());
      const active = freeze && Date.parse(freeze.start) <= now.getTime();
      const notes = [
        env.protected ? ':lock: protected' : 'not protected',
        ...(name === catalog.defaults.environment ? ['default'] : []),
        ...(freeze
          ? [
              `${active ? 'frozen until' : 'freeze from'} ${(active ? freeze.end : freeze.start).slice(0, 10)}`,
            ]
          : []),
      ];
      return `\`${name}\` (${notes.join(', ')})`;
    });
  return `*Environments:* ${parts.join(' · ')}`;
}

function serviceText(catalog: Catalog, name: string, service: Service, query: StatusQuery): string {
  const deps = service.dependencies.length
    ? ` · depends on ${service.dependencies.map((d) => `\`${d}\``).join(', ')}`
    : '';
  const lines = [
    `*${name}*: ${service.description}`,
    `${service.slackChannel} · PagerDuty \`${service.pagerduty.serviceId}\`${deps}`,
  ];
  for (const [env, where] of Object.entries(service.environments)) {
    if (query.env && env !== query.env) continue;
    const lock = catalog.environments[env]?.protected ? ' :lock:' : '';
    lines.push(
      `• \`${env}\`${lock}: ${where.workload.kind} \`${where.workload.name}\` in namespace \`${where.namespace}\`, container \`${where.container}\`, context \`${where.context}\``,
    );
  }
  if (query.env && !service.environments[query.env]) {
    lines.push(`• not deployed to \`${query.env}\``);
  }
  if (query.show === 'slo') {
    for (const slo of service.slo) {
      lines.push(`• SLO \`${slo.name}\` ${slo.comparison} ${slo.threshold}: ${slo.description}`);
    }
  }
  return lines.join('\n');
}
