import type { Deploy } from '../triage/schema.ts';

/** What changed the running version: a deploy, a person's rollback, or the bot's own. */
export type DeployKind = 'deploy' | 'rollback' | 'auto-rollback';

/** `verifying` until the verification window (or the rollout) has decided. */
export type DeployOutcome =
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'inconclusive'
  | 'aborted';

/** Every kind and outcome, as the database CHECK constraints list them. */
export const DEPLOY_KINDS: readonly DeployKind[] = ['deploy', 'rollback', 'auto-rollback'];
export const DEPLOY_OUTCOMES: readonly DeployOutcome[] = [
  'verifying',
  'succeeded',
  'failed',
  'rolled-back',
  'inconclusive',
  'aborted',
];

/** One row of the deploy log: a change of the running image of one service in one env. */
export interface DeployRecord {
  id: string;
  service: string;
  env: string;
  /** Absent for the first deploy the bot knows of. */
  fromImage?: string;
  toImage: string;
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

/** The record as triage's deploy input (`{ service, env, from, to, by, at }`), versions short. */
export function toTriageDeploy(record: DeployRecord): Deploy {
  return {
    service: record.service,
    env: record.env,
    from: record.fromImage ? shortImage(record.fromImage) : '(none)',
    to: shortImage(record.toImage),
    by: record.by,
    at: record.at.toISOString(),
  };
}
