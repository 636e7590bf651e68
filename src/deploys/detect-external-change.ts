import type { DeployRecord } from '../domain/deploys/deploy-record.ts';
import type { DeployLog } from './deploy-log.ts';

/** Who made a change seen on the cluster that no mc run made. */
export const OUTSIDE_MC = 'unknown';

/**
 * Compares the image running now with the newest change log record of the target. When they
 * differ and no run of mc holds the target (a run mid-rollout is not a change made outside),
 * the change was made outside mc: it is recorded as `external`, from the recorded image to the
 * live one, and returned. A target with no record yet has nothing to compare with.
 */
export async function detectExternalChange(input: {
  deployLog: Pick<DeployLog, 'recordDeploy'>;
  last: DeployRecord | undefined;
  service: string;
  env: string;
  liveImage: string;
  /** A run of mc holds the target: what runs may be its change in progress. */
  busy: boolean;
}): Promise<DeployRecord | undefined> {
  const { last } = input;
  if (!last || input.busy || last.toImage === input.liveImage) return undefined;
  return input.deployLog.recordDeploy({
    service: input.service,
    env: input.env,
    fromImage: last.toImage,
    toImage: input.liveImage,
    kind: 'external',
    by: OUTSIDE_MC,
    outcome: 'succeeded',
  });
}
