import type { Catalog } from '../config/schema.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import { detectExternalChange } from '../deploys/detect-external-change.ts';
import type { LiveImage } from '../deploys/live-image.ts';
import type { RunView } from '../runs/types.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ChangeDetectorOptions {
  catalog: Catalog;
  deployLog: Pick<DeployLog, 'lastDeploy' | 'recordDeploy'>;
  liveImage: LiveImage;
  /** Runs holding a target: their change may be in progress, not made outside mc. */
  active: () => Promise<RunView[]>;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
  /** A service's cluster is read at most this often. Default 30 s (an alert storm reads once). */
  minIntervalMs?: number;
}

/**
 * Before triage reads a service's changes: compares each environment's live image with the
 * change log and records the changes made outside mc, so they take part in correlation like
 * any deploy. A cluster that cannot be read is logged and skipped: alerts are never held up.
 */
export function createChangeDetector(options: ChangeDetectorOptions) {
  const minIntervalMs = options.minIntervalMs ?? 30_000;
  const lastRead = new Map<string, number>();
  return async function detect(service: string): Promise<void> {
    const svc = Object.hasOwn(options.catalog.services, service)
      ? options.catalog.services[service]
      : undefined;
    if (!svc) return;
    const now = options.clock().getTime();
    if (now - (lastRead.get(service) ?? Number.NEGATIVE_INFINITY) < minIntervalMs) return;
    lastRead.set(service, now);
    const active = await options.active();
    await Promise.all(
      Object.keys(svc.environments).map(async (env) => {
        try {
          const [liveImage, last] = await Promise.all([
            options.liveImage(service, env),
            options.deployLog.lastDeploy(service, env),
          ]);
          const busy = active.some(
            (v) => v.run.target.service === service && v.run.target.env === env,
          );
          await detectExternalChange({
            deployLog: options.deployLog,
            last,
            service,
            env,
            liveImage,
            busy,
          });
        } catch (error) {
          options.log.warn({ err: error, service, env }, 'triage: cluster not read for changes');
        }
      }),
    );
  };
}
