import type { DeployLog } from '../deploys/deploy-log.ts';
import { toTriageDeploy } from '../domain/deploys/deploy-record.ts';
import { flagReturns } from '../domain/triage/suspect-change.ts';
import type { DeploySource } from './triage-service.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Image changes from the change log since `since`, as triage's input (versions shortened,
 * kinds kept). Each is flagged when it brings back a version taken out in the 30 days before
 * `since`: reading that far back is what makes the flag possible.
 */
export function deployLogSource(
  log: Pick<DeployLog, 'recentDeploys'>,
  options: {
    historyDays?: number;
    /** Runs first: records changes made outside mc that the cluster shows (createChangeDetector). */
    detect?: (service: string) => Promise<void>;
  } = {},
): DeploySource {
  const historyMs = (options.historyDays ?? 30) * DAY_MS;
  return {
    async recent(service, since) {
      await options.detect?.(service);
      const from = new Date(since.getTime() - historyMs);
      const records = await log.recentDeploys({ service, since: from, limit: 200 });
      const images = records.filter((r) => (r.what ?? 'image') === 'image');
      return flagReturns(images.map(toTriageDeploy)).filter(
        (d) => Date.parse(d.at) >= since.getTime(),
      );
    },
  };
}
