import { describeChange } from '../domain/deploys/deploy-record.ts';
import type { EnvironmentStatus, ServiceStatus, Sourced } from '../domain/deploys/status-model.ts';
import type { Finding, FindingField, Inline, Line } from './types.ts';

/** A Slack user id as a mention; `mc` and plain names as text. */
function who(by: string): Inline {
  return /^[UW][A-Z0-9]{8,}$/.test(by) ? { user: by } : by;
}

function field<T>(label: string, value: Sourced<T>, line: (v: T) => Line): FindingField {
  return { label, value: value.ok ? line(value.value) : [`unavailable: ${value.unavailable}`] };
}

function headline(env: EnvironmentStatus): string {
  const parts: string[] = [env.rollout.ok ? env.rollout.value.state : 'unknown'];
  if (env.runs.ok && env.runs.value.length > 0) parts.push('locked by a run');
  if (env.alerts?.ok && env.alerts.value.length > 0) {
    parts.push(
      `${env.alerts.value.length} alert${env.alerts.value.length === 1 ? '' : 's'} firing`,
    );
  }
  if (env.freeze) parts.push('frozen');
  return parts.join(', ');
}

function fields(env: EnvironmentStatus): FindingField[] {
  const out: FindingField[] = [
    field('Running', env.workload, (w) => [
      `${w.revision === undefined ? 'rev ?' : `rev ${w.revision}`} · \`${w.image}\``,
    ]),
    field('Rollout', env.rollout, (r) => [r.message]),
    field('Pods', env.workload, (w) => [
      `${w.replicas.ready}/${w.replicas.desired} ready, ${w.replicas.updated} updated`,
    ]),
    field('Active run', env.runs, (runs) => {
      const run = runs[0];
      if (!run) return ['none (not locked)'];
      const what = run.revertOf ? `revert of ${run.revertOf}` : run.verb;
      return [
        `${run.id} · ${what} by `,
        who(run.requester),
        ` · ${run.state} since `,
        { time: run.since },
      ];
    }),
    field('Last change', env.lastDeploy, (d) => {
      if (!d) return ['none recorded'];
      const by: Line = d.kind === 'external' ? ['(outside mc: seen on the cluster)'] : [who(d.by)];
      if (d.onBehalfOf) by.push(' for ', who(d.onBehalfOf));
      const line: Line = [`${d.kind} ${describeChange(d)} by `, ...by, ' · ', { time: d.at }];
      if (d.runId) line.push(` · run ${d.runId}`);
      line.push(` · ${d.outcome}`);
      if (d.evidenceUrl) line.push(' · ', { link: d.evidenceUrl, text: 'evidence' });
      return line;
    }),
  ];
  if (env.alerts) {
    out.push(
      field('Firing alerts', env.alerts, (alerts) =>
        alerts.length === 0
          ? ['none']
          : [alerts.map((a) => `${a.name}${a.severity ? ` (${a.severity})` : ''}`).join(', ')],
      ),
    );
  }
  if (env.freeze) {
    out.push({
      label: 'Change freeze',
      value: ['until ', { time: env.freeze.liftsAt }, `: ${env.freeze.reason}`],
    });
  }
  return out;
}

/**
 * `/mc status` as neutral findings, one per environment (a Slack section holds at most ten
 * fields). A source that failed shows as "unavailable: why" in its field.
 */
export function statusFindings(status: ServiceStatus): Finding[] {
  return status.environments.map((env) => {
    const title = `${status.service} in ${env.env}`;
    const state = headline(env);
    const alerts = env.alerts?.ok ? env.alerts.value : [];
    const notes: Line[] = alerts.filter((a) => a.summary).map((a) => [`${a.name}: ${a.summary}`]);
    if (!env.alerts) notes.push(['Alerts: neither Alertmanager nor Prometheus is configured.']);
    const deploy = env.lastDeploy.ok ? env.lastDeploy.value : undefined;
    return {
      summary: `${title}: ${state}`,
      title,
      status: state,
      fields: fields(env),
      steps: [],
      problems: [],
      notes,
      buttons: [],
      links: [
        ...(deploy?.evidenceUrl ? [{ text: 'Last change evidence', url: deploy.evidenceUrl }] : []),
        ...alerts.filter((a) => a.link).map((a) => ({ text: a.name, url: a.link ?? '' })),
      ],
      footer: [`${env.protected ? 'protected' : 'not protected'} · as of `, { time: status.at }],
    };
  });
}
