import type { Deploy } from '../triage/schema.ts';
import type { ChangeWhat, DeployKind, DeployOutcome } from './deploy-kinds.ts';

export {
  CHANGE_WHATS,
  type ChangeWhat,
  DEPLOY_KINDS,
  DEPLOY_OUTCOMES,
  type DeployKind,
  type DeployOutcome,
} from './deploy-kinds.ts';

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
