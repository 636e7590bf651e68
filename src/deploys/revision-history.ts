import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { rolloutHistory } from '../adapters/kubernetes/replica-sets.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployRecord } from '../domain/deploys/deploy-record.ts';
import {
  joinRevisions,
  type RevisionRow,
  revisionTable,
} from '../domain/deploys/revision-table.ts';
import type { DeployLog } from './deploy-log.ts';

/** The revision history of one target, for `/mc rollback` without `--to`. */
export interface RevisionHistory {
  /** `checkout/prod`. */
  label: string;
  /** Newest revision first. */
  rows: RevisionRow[];
  /** The rows as text ("rev 7 · shop/checkout:1.4.2 · 2h ago · @alice (current)"). */
  text: string;
  /** Set when the deploy log could not be read: rows then lack who deployed them. */
  deployLogUnavailable?: string;
}

/**
 * Reads `kubectl rollout history` for the catalog target and joins the deploy log so each
 * revision says who deployed it. Kubernetes errors propagate (KubeError, with its message);
 * a deploy log failure only leaves the authors out.
 */
export async function revisionHistory(input: {
  catalog: Catalog;
  kube: KubeClients;
  deployLog: Pick<DeployLog, 'recentDeploys'>;
  service: string;
  env: string;
  now: Date;
}): Promise<RevisionHistory> {
  const target = resolveTarget(input.catalog, input.service, input.env);
  const history = await rolloutHistory(input.kube, target.workload);
  let deploys: DeployRecord[] = [];
  let deployLogUnavailable: string | undefined;
  try {
    // Revisions can be months old and a record may precede its ReplicaSet by a tick: read all.
    deploys = await input.deployLog.recentDeploys({
      service: input.service,
      env: input.env,
      since: new Date(0),
      limit: 500,
    });
  } catch (error) {
    deployLogUnavailable = `the deploy log could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  // A scale or a config change names the image it left running: it deployed no revision.
  const images = deploys.filter((d) => (d.what ?? 'image') === 'image');
  const rows = joinRevisions({
    history,
    container: target.container,
    deploys: images,
    now: input.now,
  });
  return {
    label: target.label,
    rows,
    text: revisionTable(rows),
    ...(deployLogUnavailable ? { deployLogUnavailable } : {}),
  };
}
