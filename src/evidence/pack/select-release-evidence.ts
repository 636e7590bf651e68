import type { Queryable } from '../../store/db.ts';
import { fetchHeadState, type LedgerHead } from '../ledger/ledger-rows.ts';
import { GATE_DECISION_EVIDENCE, releaseSubject } from '../release-subject.ts';
import {
  EVIDENCE_COLUMNS as COLUMNS,
  type EvidenceRow as Row,
  type SelectedEvidence,
  toEvidence,
} from './evidence-rows.ts';
import { changedRuns, citedDrills, imageIsVersion } from './release-links.ts';
import { type Neighbour, releaseWindow } from './release-window.ts';

export type { SelectedEvidence } from './evidence-rows.ts';

/** Everything a pack holds, chosen at one ledger head. */
export interface ReleaseSelection {
  head: LedgerHead;
  /** The latest gate decision for the release: manifest.json. */
  manifest: SelectedEvidence;
  /** Every record, in ledger order. */
  evidence: SelectedEvidence[];
  previousDecision: Neighbour | null;
  nextDecision: Neighbour | null;
  /** The release's tenure in seqs: after the previous decision, before the next one. */
  window: { fromSeq: number; toSeq: number };
  /** First seq of the ledger slice: the earliest entry about anything in the pack. */
  firstSeq: number;
}

/** There is nothing to pack: no GO / NO-GO was ever recorded for the release. */
export class NoGateDecision extends Error {
  constructor(service: string, version: string) {
    super(
      `no gate decision recorded for ${service} ${version}; run /mc gate ${service} ${version} first`,
    );
  }
}

/**
 * Chooses the evidence of one release, as of the current ledger head: its gate decisions;
 * the runs that deployed or rolled back the version (deploy log); every other run of the
 * service within the release's window (after the previous release decision of the service,
 * before the next one); the service's drills in that window and those the manifests cite.
 */
export async function selectReleaseEvidence(
  q: Queryable,
  service: string,
  version: string,
): Promise<ReleaseSelection> {
  const head = await fetchHeadState(q);
  const subject = releaseSubject(service, version);
  const decisions = (
    await q.query<Row>(
      `SELECT ${COLUMNS} FROM evidence e WHERE e.kind = $1 AND e.subject = $2 AND e.ledger_seq <= $3
       ORDER BY e.ledger_seq`,
      [GATE_DECISION_EVIDENCE, subject, head.seq],
    )
  ).rows.map((row) => toEvidence(row, ['gate decision for the release']));
  const first = decisions[0];
  const manifest = decisions.at(-1);
  if (!first || !manifest) throw new NoGateDecision(service, version);
  manifest.why.push('latest gate decision: manifest.json');
  const { previousDecision, nextDecision, ...window } = await releaseWindow(q, {
    service,
    version,
    first,
    last: manifest,
    headSeq: head.seq,
  });
  const inWindow = (seq: number) => seq >= window.fromSeq && seq <= window.toSeq;

  const deploys = (
    await q.query<{
      id: string;
      run_id: string | null;
      kind: string;
      from_image: string | null;
      to_image: string;
    }>('SELECT id, run_id, kind, from_image, to_image FROM deploys WHERE service = $1', [service])
  ).rows.filter(
    (d) =>
      imageIsVersion(d.to_image, version) ||
      (d.kind !== 'deploy' && imageIsVersion(d.from_image, version)),
  );
  const versionRuns = new Set(deploys.flatMap((d) => (d.run_id ? [d.run_id] : [])));
  const listedRuns = new Set(decisions.flatMap((d) => changedRuns(d.document)));
  const runSubjects = [...new Set([...versionRuns, ...listedRuns])].map((id) => `run:${id}`);
  const runs = (
    await q.query<Row>(
      `SELECT ${COLUMNS} FROM evidence e LEFT JOIN runs r ON e.subject = 'run:' || r.id
        WHERE left(e.subject, 4) = 'run:' AND e.ledger_seq <= $5
          AND coalesce(r.service, e.document::jsonb #>> '{body,request,target,service}') = $1
          AND (e.subject = ANY($2) OR e.ledger_seq BETWEEN $3 AND $4)
        ORDER BY e.ledger_seq`,
      [service, runSubjects, window.fromSeq, window.toSeq, head.seq],
    )
  ).rows.map((row) => {
    const runId = row.subject.slice(4);
    const seq = Number(row.ledger_seq);
    return toEvidence(row, [
      ...(versionRuns.has(runId)
        ? [`run that deployed or rolled back ${version} (deploy log)`]
        : []),
      ...(listedRuns.has(runId) ? ['run listed in a manifest as a change'] : []),
      ...(inWindow(seq) ? [`run of ${service} in the release window`] : []),
    ]);
  });

  const cited = new Set(decisions.flatMap((d) => citedDrills(d.document)));
  const drills = (
    await q.query<Row>(
      `SELECT ${COLUMNS} FROM evidence e
        WHERE e.kind = 'drill' AND left(e.subject, length($1)) = $1 AND e.ledger_seq <= $5
          AND (e.id = ANY($2) OR e.ledger_seq BETWEEN $3 AND $4)
        ORDER BY e.ledger_seq`,
      [`drill:${service}:`, [...cited], window.fromSeq, window.toSeq, head.seq],
    )
  ).rows.map((row) =>
    toEvidence(row, [
      ...(cited.has(row.id) ? ['drill cited by a gate decision (drillEvidence)'] : []),
      ...(inWindow(Number(row.ledger_seq)) ? [`drill of ${service} in the release window`] : []),
    ]),
  );

  const evidence = [...decisions, ...runs, ...drills].sort((a, b) => a.ledgerSeq - b.ledgerSeq);
  const gateIds = (
    await q.query<{ id: string }>('SELECT id FROM gate_runs WHERE service = $1 AND version = $2', [
      service,
      version,
    ])
  ).rows.map((r) => `gate:${r.id}`);
  const related = [
    ...gateIds,
    ...runs.map((r) => r.subject),
    ...deploys.map((d) => `deploy:${d.id}`),
  ];
  const earliest = await q.query<{ seq: string | number | null }>(
    'SELECT min(seq) AS seq FROM ledger_entries WHERE subject = ANY($1) AND seq <= $2',
    [related, head.seq],
  );
  const seqs = [...evidence.map((e) => e.ledgerSeq), Number(earliest.rows[0]?.seq ?? head.seq)];
  return {
    head: { seq: head.seq, hash: head.hash },
    manifest,
    evidence,
    previousDecision,
    nextDecision,
    window,
    firstSeq: Math.min(...seqs),
  };
}
