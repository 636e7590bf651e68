import { resolveTarget } from '../actions/resolve-target.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import { type RolloutRevision, rolloutHistory } from '../adapters/kubernetes/replica-sets.ts';
import type { Catalog } from '../config/schema.ts';
import { type ChangeWhat, describeChange } from '../domain/deploys/deploy-record.ts';
import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import type { Queryable } from '../store/db.ts';
import type { GateDecision, SignOff, Waiver } from './decide-gate.ts';
import { GATE_DECISION_EVIDENCE, type GateManifest, type ManifestChange } from './gate-manifest.ts';
import type { GateRun } from './gate-store.ts';

export interface ManifestSources {
  catalog: Catalog;
  kube: KubeClients;
  db: Queryable;
  clock: () => Date;
}

/** With no earlier release decision, changes are read back this far. */
const CHANGES_LOOKBACK_MS = 30 * 86_400_000;
const MAX_CHANGES = 50;

const DIGEST = /@(sha256:[0-9a-f]{64})$/;

/**
 * Everything the signed manifest of a GO / NO-GO says beyond the decision itself, read from
 * live state: the images running in the target environment, the deploys since the previous
 * release decision for the service, and the revision a rollback would return to.
 */
export async function buildManifest(input: {
  run: GateRun;
  set: GatePlaybook;
  decision: GateDecision;
  signOffs: SignOff[];
  waivers: Array<Waiver & { at: Date }>;
  sources: ManifestSources;
}): Promise<GateManifest> {
  const { run, set, decision, sources } = input;
  const history = await readHistory(sources, run).catch(() => undefined);
  const current = history?.find((r) => r.current) ?? history?.at(-1);
  const artifacts = Object.entries(current?.images ?? {}).map(([container, image]) => ({
    container,
    image,
    digest: DIGEST.exec(image)?.[1] ?? null,
  }));
  return {
    release: {
      service: run.service,
      version: run.version,
      env: run.env,
      gateSet: set.id,
      gateSetTitle: set.title,
      gateId: run.id,
    },
    decision: decision.decision,
    headline: decision.headline,
    counts: { ...decision.counts },
    decidedAt: sources.clock().toISOString(),
    evaluatedAt: run.evaluatedAt.toISOString(),
    requestedBy: run.requester,
    artifacts,
    gates: decision.rows.map((row) => ({
      name: row.name,
      status: row.status,
      checks: row.checks.map((c) => ({
        id: c.checkId,
        title: c.title,
        status: c.status,
        value: c.value ?? null,
        reason: c.reason,
        link: c.link ?? null,
      })),
    })),
    waivers: input.waivers.map((w) => ({
      gate: w.gate,
      by: w.by,
      reason: w.reason,
      at: w.at.toISOString(),
      expiresAt: w.expiresAt.toISOString(),
    })),
    signOffs: input.signOffs.map((s) => ({
      role: s.role,
      by: s.by,
      at: s.at.toISOString(),
      comment: s.comment ?? null,
    })),
    missingRoles: [...decision.missingRoles],
    changes: await changesSincePreviousRelease(sources, run),
    rollbackPlan: rollbackPlan(run, history),
    drillEvidence: drillLinks(set, decision),
  };
}

function readHistory(sources: ManifestSources, run: GateRun): Promise<RolloutRevision[]> {
  const target = resolveTarget(sources.catalog, run.service, run.env);
  return rolloutHistory(sources.kube, target.workload);
}

/**
 * Where `/mc rollback` would go: the running revision when the version is not live yet (the
 * gate precedes the deploy), the one before it when the version already runs.
 */
function rollbackPlan(
  run: GateRun,
  history: RolloutRevision[] | undefined,
): GateManifest['rollbackPlan'] {
  if (!history || history.length === 0) {
    return {
      revision: null,
      images: {},
      summary: `no rollout history of ${run.service} in ${run.env} could be read; roll back by hand`,
    };
  }
  const index = history.findIndex((r) => r.current);
  const current = history[index === -1 ? history.length - 1 : index]!;
  const live = Object.values(current.images).some((image) => image.includes(run.version));
  const target = live ? history[history.indexOf(current) - 1] : current;
  if (!target) {
    return {
      revision: null,
      images: {},
      summary: `${run.version} is the only revision of ${run.service} in ${run.env}: there is nothing to roll back to`,
    };
  }
  const images = Object.values(target.images).join(', ');
  return {
    revision: target.revision,
    images: target.images,
    summary: live
      ? `${run.version} runs in ${run.env}; \`/mc rollback ${run.service} --env ${run.env}\` returns to revision ${target.revision} (${images})`
      : `revision ${target.revision} (${images}) runs in ${run.env} now; if ${run.version} misbehaves after its deploy, \`/mc rollback ${run.service} --env ${run.env}\` returns to it`,
  };
}

/**
 * Every change to the service recorded in the change log since its previous release decision
 * (deploys, rollbacks, Reverts, triage runs, drills, Argo aborts, changes made outside mc).
 */
async function changesSincePreviousRelease(
  sources: ManifestSources,
  run: GateRun,
): Promise<ManifestChange[]> {
  const previous = await sources.db.query<{ seq: string | number | null }>(
    `SELECT max(ledger_seq) AS seq FROM evidence
      WHERE kind = $1 AND subject LIKE $2 AND subject <> $3`,
    [GATE_DECISION_EVIDENCE, `release:${run.service}:%`, `release:${run.service}:${run.version}`],
  );
  const afterSeq = Number(previous.rows[0]?.seq ?? 0);
  const since = new Date(sources.clock().getTime() - CHANGES_LOOKBACK_MS);
  const { rows } = await sources.db.query<{ seq: string | number; data: unknown }>(
    `SELECT seq, data FROM ledger_entries
      WHERE kind = 'deploy.recorded' AND seq > $1 AND ($1 > 0 OR at >= $2)
      ORDER BY seq`,
    [afterSeq, since],
  );
  const recorded = rows
    .map((row) => ({
      seq: Number(row.seq),
      deploy: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as DeployData,
    }))
    .filter((r) => r.deploy.service === run.service)
    .slice(-MAX_CHANGES);
  if (recorded.length === 0) return [];
  const outcomes = await sources.db.query<{ id: string; outcome: string }>(
    'SELECT id, outcome FROM deploys WHERE id = ANY($1)',
    [recorded.map((r) => r.deploy.id)],
  );
  const outcome = new Map(outcomes.rows.map((r) => [r.id, r.outcome]));
  return recorded.map(({ seq, deploy }) => ({
    runId: deploy.runId ?? deploy.id,
    verb: deploy.kind,
    env: deploy.env,
    summary:
      (deploy.what ?? 'image') === 'image'
        ? `${deploy.fromImage ?? '(none)'} → ${deploy.toImage}`
        : describeChange(deploy),
    by: deploy.by,
    at: deploy.at,
    outcome: outcome.get(deploy.id) ?? deploy.outcome,
    ledgerSeq: seq,
  }));
}

interface DeployData {
  id: string;
  service: string;
  env: string;
  kind: string;
  fromImage?: string;
  toImage: string;
  what?: ChangeWhat;
  fromValue?: string;
  toValue?: string;
  by: string;
  runId?: string;
  outcome: string;
  at: string;
}

/** The evidence links of the drill checks (their `link` is the drill's evidence page). */
function drillLinks(set: GatePlaybook, decision: GateDecision): string[] {
  const drillChecks = new Set(
    set.gates.flatMap((g) => g.checks.filter((c) => c.kind === 'drill-fresh').map((c) => c.id)),
  );
  return decision.rows.flatMap((row) =>
    row.checks.filter((c) => drillChecks.has(c.checkId) && c.link).map((c) => c.link!),
  );
}
