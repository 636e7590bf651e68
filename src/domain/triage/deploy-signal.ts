import { isoOr } from './normalize-alertmanager.ts';
import type { Deploy, Signal } from './schema.ts';

/** A recorded deploy as a signal: it explains symptoms that follow it, it never pages. */
export function deploySignal(deploy: Deploy): Signal {
  const at = isoOr(deploy.at, new Date(0).toISOString());
  return {
    source: 'deploy',
    id: `${deploy.service}/${deploy.env}@${deploy.to}@${at}`,
    name: 'Deploy',
    title: `${deploy.service} ${deploy.from} → ${deploy.to} by ${deploy.by}`,
    service: deploy.service,
    env: deploy.env,
    status: 'recorded',
    labels: {},
    annotations: {},
    startedAt: at,
    at,
    deploy: { from: deploy.from, to: deploy.to, by: deploy.by },
  };
}

/** `@alice`, unless the name already starts with `@` or is a Slack id. */
export function mention(by: string): string {
  return by.startsWith('@') || /^[UW][A-Z0-9]{8,}$/.test(by) ? by : `@${by}`;
}
