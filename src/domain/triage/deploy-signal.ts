import { isoOr } from './normalize-alertmanager.ts';
import type { DeployInput, Signal } from './schema.ts';

const NAMES: Record<string, string> = {
  deploy: 'Deploy',
  rollback: 'Rollback',
  'auto-rollback': 'Automatic rollback',
  revert: 'Revert',
  triage: 'Triage run',
  'drill-fault': 'Drill fault',
  'drill-restore': 'Drill restore',
  'argo-abort': 'Argo abort',
  external: 'Change outside mc',
  run: 'Run',
};

/** A recorded change as a signal: it explains symptoms that follow it, it never pages. */
export function deploySignal(deploy: DeployInput): Signal {
  const at = isoOr(deploy.at, new Date(0).toISOString());
  const kind = deploy.kind ?? 'deploy';
  return {
    source: 'deploy',
    id: `${deploy.service}/${deploy.env}@${deploy.to}@${at}`,
    name: NAMES[kind] ?? 'Deploy',
    title: `${deploy.service} ${deploy.from} → ${deploy.to} by ${deploy.byName ?? deploy.by}`,
    service: deploy.service,
    env: deploy.env,
    status: 'recorded',
    labels: {},
    annotations: {},
    startedAt: at,
    at,
    deploy: {
      from: deploy.from,
      to: deploy.to,
      by: deploy.by,
      ...(deploy.byName ? { byName: deploy.byName } : {}),
      kind,
      ...(deploy.returnsTo ? { returnsTo: deploy.returnsTo } : {}),
    },
  };
}

/** `@alice`, unless the name already starts with `@` or is a Slack id. */
export function mention(by: string): string {
  return by.startsWith('@') || /^[UW][A-Z0-9]{8,}$/.test(by) ? by : `@${by}`;
}
