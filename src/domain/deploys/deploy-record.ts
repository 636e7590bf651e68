import type { Deploy } from '../triage/schema.ts';

/**
 * What made a change to a workload: a deploy, a person's rollback, the bot's own rollback, a
 * Revert of an earlier run, a triage run, a drill's fault and its restore, an Argo canary abort,
 * a change seen on the cluster that no mc run made (`external`), or a run of another verb.
 */
export type DeployKind =
  | 'deploy'
  | 'rollback'
  | 'auto-rollback'
  | 'revert'
  | 'triage'
  | 'drill-fault'
  | 'drill-restore'
  | 'argo-abort'
  | 'external'
  | 'run';

/** The part of the workload a change touched. */
export type ChangeWhat = 'image' | 'replicas' | 'config' | 'pods' | 'restart' | 'canary';

/** `verifying` until the verification window (or the rollout) has decided. */
export type DeployOutcome =
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'inconclusive'
  | 'aborted';

/** Every kind and outcome, as the database CHECK constraints list them. */
export const DEPLOY_KINDS: readonly DeployKind[] = [
  'deploy',
  'rollback',
  'auto-rollback',
  'revert',
  'triage',
  'drill-fault',
  'drill-restore',
  'argo-abort',
  'external',
  'run',
];
export const CHANGE_WHATS: readonly ChangeWhat[] = [
  'image',
  'replicas',
  'config',
  'pods',
  'restart',
  'canary',
];
export const DEPLOY_OUTCOMES: readonly DeployOutcome[] = [
  'verifying',
  'succeeded',
  'failed',
  'rolled-back',
  'inconclusive',
  'aborted',
];

/**
 * One row of the change log: a change to the workload of one service in one env. For an
 * `image` change, fromImage → toImage is the change; for any other, fromValue → toValue is,
 * and toImage is the image that runs after it, so the newest record names what runs.
 */
export interface DeployRecord {
  id: string;
  service: string;
  env: string;
  /** Absent for the first deploy the bot knows of. */
  fromImage?: string;
  toImage: string;
  /** Default `image`. */
  what?: ChangeWhat;
  /** `3` replicas, `off`, `checkout-flags/dependency-fallback=off`... (what is not `image`). */
  fromValue?: string;
  toValue?: string;
  fromRevision?: number;
  toRevision?: number;
  kind: DeployKind;
  /** Who asked: a Slack user id, or `mc` for automatic rollbacks. */
  by: string;
  /** For an automatic rollback (`by: mc`): whose change it undid. */
  onBehalfOf?: string;
  runId?: string;
  evidenceUrl?: string;
  outcome: DeployOutcome;
  at: Date;
  /** The commit a deploy ships, and when it was made (lead time starts there). */
  commit?: string;
  commitAt?: Date;
}

/**
 * `1.4.2` for `ghcr.io/acme/checkout:1.4.2`, `sha256:3f1c2b8e` for a digest-pinned image,
 * `latest` for an untagged one: the version people say.
 */
export function shortImage(image: string): string {
  const digest = /@(sha256:[0-9a-f]{8})[0-9a-f]*$/.exec(image);
  if (digest?.[1]) return digest[1];
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : 'latest';
}

/** The record as triage's change input (`{ service, env, from, to, by, at, kind }`), versions short. */
export function toTriageDeploy(record: DeployRecord): Deploy {
  return {
    service: record.service,
    env: record.env,
    from: record.fromImage ? shortImage(record.fromImage) : '(none)',
    to: shortImage(record.toImage),
    by: record.by,
    at: record.at.toISOString(),
    kind: record.kind,
    outcome: record.outcome,
    ...(record.runId ? { runId: record.runId } : {}),
  };
}

/** `1.4.2 → 1.4.1`, `replicas 3 → 5`, `pods 2 deleted`: the change as people read it. */
export function describeChange(
  record: Pick<DeployRecord, 'what' | 'fromImage' | 'toImage' | 'fromValue' | 'toValue'>,
): string {
  const what = record.what ?? 'image';
  if (what === 'image') {
    const from = record.fromImage ? shortImage(record.fromImage) : '(none)';
    return `${from} → ${shortImage(record.toImage)}`;
  }
  if (record.fromValue === undefined) return `${what} ${record.toValue ?? '?'}`;
  return `${what} ${record.fromValue} → ${record.toValue ?? '?'}`;
}
