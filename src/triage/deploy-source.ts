import type { DeployLog } from '../deploys/deploy-log.ts';
import { toTriageDeploy } from '../domain/deploys/deploy-record.ts';
import type { DeploySource } from './triage-service.ts';

/** Deploys recorded by the deploy log, as triage signals' input (versions shortened). */
export function deployLogSource(log: Pick<DeployLog, 'recentDeploys'>): DeploySource {
  return {
    async recent(service, since) {
      const records = await log.recentDeploys({ service, since, limit: 50 });
      return records.map(toTriageDeploy);
    },
  };
}
