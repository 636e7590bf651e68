import type { DeployKind, DeployRecord } from '../domain/deploys/deploy-record.ts';
import type { RunView } from '../runs/types.ts';
import type { DeployLog } from './deploy-log.ts';

type Log = Pick<DeployLog, 'recordDeploy' | 'deploysOfRun'>;

/** Verbs whose runs change the running release, as the deploy log names them. */
const KINDS: Record<string, DeployKind> = { deploy: 'deploy', rollback: 'rollback' };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Records that `change` was undone: by mc on its requester's behalf (`auto-rollback`), or an
 * Argo canary abort (`argo-abort`, by `abort.by` who clicked Abort, else by Argo's analysis).
 * From what the change brought to what it replaced, `succeeded` when the run ended
 * `reverted`, else `failed`.
 */
export async function recordAutoRollback(
  deployLog: Pick<DeployLog, 'recordDeploy'>,
  change: Pick<DeployRecord, 'service' | 'env' | 'fromImage' | 'toImage' | 'by' | 'runId'>,
  view: RunView | undefined,
  abort?: { by?: string },
): Promise<DeployRecord> {
  return deployLog.recordDeploy({
    service: change.service,
    env: change.env,
    fromImage: change.toImage,
    toImage: change.fromImage ?? '(unknown)',
    ...(abort
      ? abort.by
        ? { kind: 'argo-abort' as const, by: abort.by }
        : { kind: 'argo-abort' as const, by: 'argo-rollouts', onBehalfOf: change.by }
      : { kind: 'auto-rollback' as const, by: 'mc', onBehalfOf: change.by }),
    ...(change.runId ? { runId: change.runId } : {}),
    outcome: view?.run.state === 'reverted' ? 'succeeded' : 'failed',
    ...(view?.evidenceUrl ? { evidenceUrl: view.evidenceUrl } : {}),
  });
}

/**
 * A deploy or rollback whose rollout failed never reaches the verification window, which is
 * where changes are recorded: this records it when the run ends `failed` or `reverted` with no
 * record yet (and, when the engine undid it, the automatic rollback), so triage sees it.
 */
export async function recordFailedChange(deployLog: Log, view: RunView): Promise<void> {
  const { run } = view;
  const kind = KINDS[run.verb];
  if (!kind || run.revertOf || (run.state !== 'failed' && run.state !== 'reverted')) return;
  if ((await deployLog.deploysOfRun(run.id)).length > 0) return;
  const step = run.steps[0];
  const before = (step?.before ?? {}) as { image?: unknown };
  const after = (step?.after ?? {}) as { image?: unknown };
  const fromImage = text(before.image);
  const change = {
    service: run.target.service,
    env: run.target.env,
    ...(fromImage ? { fromImage } : {}),
    toImage: text(step?.params.image) ?? text(after.image) ?? '(unknown)',
    by: run.requester,
    runId: run.id,
  };
  await deployLog.recordDeploy({
    ...change,
    kind,
    outcome: run.state === 'reverted' ? 'rolled-back' : 'failed',
    ...(view.evidenceUrl ? { evidenceUrl: view.evidenceUrl } : {}),
  });
  if (run.state === 'reverted') await recordAutoRollback(deployLog, change, view);
}
