import type { Catalog } from '../config/schema.ts';
import { runChanges } from '../domain/deploys/run-changes.ts';
import type { RunObserver, RunView } from '../runs/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { DeployLog } from './deploy-log.ts';
import { catalogContainer, type LiveImage } from './live-image.ts';
import { recordFailedChange } from './record-failed-change.ts';

type Log = Pick<DeployLog, 'recordDeploy' | 'deploysOfRun' | 'lastDeploy'>;

export interface ChangeRecorderOptions {
  deployLog: Log;
  catalog: Catalog;
  /** Reads what runs now; absent or failing: the steps' own states (or the last record) say. */
  liveImage?: LiveImage;
  log: Pick<Logger, 'warn'>;
}

/**
 * Records what a run changed once it ended, whatever its verb: the one place every change
 * made through mc reaches the change log (deploys and rollbacks are recorded earlier, by their
 * verification window, and skipped here). Each record names the image running after it, so
 * the newest record of a target says what runs.
 */
export async function recordRunChanges(options: ChangeRecorderOptions, view: RunView) {
  const { deployLog } = options;
  const { run } = view;
  await recordFailedChange(deployLog, view);
  const changes = runChanges(run, (service, env) =>
    catalogContainer(options.catalog, service, env),
  );
  if (changes.length === 0) return;
  if ((await deployLog.deploysOfRun(run.id)).length > 0) return;
  for (const change of changes) {
    const { service, env } = change;
    let live: string | undefined;
    try {
      live = await options.liveImage?.(service, env);
    } catch (error) {
      options.log.warn({ err: error, run: run.id, service, env }, 'change log: live image unread');
    }
    const last = await deployLog.lastDeploy(service, env);
    const image = change.what === 'image';
    const fromImage = image ? (change.fromImage ?? last?.toImage) : (live ?? last?.toImage);
    await deployLog.recordDeploy({
      service,
      env,
      ...(fromImage ? { fromImage } : {}),
      toImage: live ?? (image ? change.toImage : undefined) ?? last?.toImage ?? '(unknown)',
      what: change.what,
      ...(change.fromValue === undefined ? {} : { fromValue: change.fromValue }),
      ...(change.toValue === undefined ? {} : { toValue: change.toValue }),
      kind: change.kind,
      by: run.requester,
      runId: run.id,
      outcome: change.outcome,
      ...(view.evidenceUrl ? { evidenceUrl: view.evidenceUrl } : {}),
    });
  }
}

/** The observer that records every run's changes; a failure to record is logged, never thrown. */
export function changeLogObserver(
  options: ChangeRecorderOptions & { log: Pick<Logger, 'warn' | 'error'> },
): RunObserver {
  return {
    async changed(view) {
      try {
        await recordRunChanges(options, view);
      } catch (error) {
        options.log.error(
          { err: error, run: view.run.id },
          'recording a run in the change log failed',
        );
      }
    },
  };
}
