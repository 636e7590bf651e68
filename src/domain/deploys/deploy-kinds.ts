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
