import type { DeployLog } from '../deploys/deploy-log.ts';
import { toTriageDeploy } from '../domain/deploys/deploy-record.ts';
import { flagReturns } from '../domain/triage/suspect-change.ts';
import type { DeploySource } from './triage-service.ts';

const DAY_MS = 24 * 60 * 60_000;
const SLACK_USER = /^[UW][A-Z0-9]{8,}$/;

/** A Slack user's display name, or undefined when Slack does not say. */
export type DisplayName = (userId: string) => Promise<string | undefined>;

/**
 * Display names of the Slack users among `ids`, each asked once and given at most `waitMs`:
 * a slow or failing Slack leaves the id, and never holds triage up for long.
 */
async function namesOf(ids: string[], displayName: DisplayName, waitMs: number) {
  const users = [...new Set(ids.filter((id) => SLACK_USER.test(id)))];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, waitMs, undefined);
    timer.unref();
  });
  try {
    const found = await Promise.all(
      users.map(async (id) => {
        const name = await Promise.race([displayName(id).catch(() => undefined), late]);
        return [id, name] as const;
      }),
    );
    return new Map(found.filter((pair): pair is [string, string] => Boolean(pair[1])));
  } finally {
    clearTimeout(timer);
  }
}

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
    /** Names the people who made the changes (`deploy.by` in notes that leave Slack). */
    displayName?: DisplayName;
    /** Longest wait for those names. Default 1,500 ms. */
    nameWaitMs?: number;
  } = {},
): DeploySource {
  const historyMs = (options.historyDays ?? 30) * DAY_MS;
  return {
    async recent(service, since) {
      await options.detect?.(service);
      const from = new Date(since.getTime() - historyMs);
      const records = await log.recentDeploys({ service, since: from, limit: 200 });
      const images = records.filter((r) => (r.what ?? 'image') === 'image');
      const recent = flagReturns(images.map(toTriageDeploy)).filter(
        (d) => Date.parse(d.at) >= since.getTime(),
      );
      if (!options.displayName || recent.length === 0) return recent;
      const names = await namesOf(
        recent.map((d) => d.by),
        options.displayName,
        options.nameWaitMs ?? 1_500,
      );
      return recent.map((d) => {
        const byName = names.get(d.by);
        return byName ? { ...d, byName } : d;
      });
    },
  };
}
