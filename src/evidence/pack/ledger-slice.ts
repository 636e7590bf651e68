import { canonicalJson, GENESIS_PREV_HASH, jsonString } from '../ledger/canonical-entry.ts';
import { createChainChecker, type StoredRow, type VerifyReport } from '../ledger/check-chain.ts';
import { LedgerLine } from './schema.ts';

/**
 * One entry as a line of ledger.jsonl: canonical JSON with the stored `data` text spliced in
 * unchanged, so the exported bytes are the ones the database hashed.
 */
export function sliceLine(row: StoredRow): string {
  return `{"actor":${jsonString(row.actor)},"at":${jsonString(row.at)},"data":${row.dataJson},"hash":${jsonString(row.hash)},"kind":${jsonString(row.kind)},"prevHash":${jsonString(row.prevHash)},"seq":${row.seq},"subject":${jsonString(row.subject)}}`;
}

/** The lines of a slice parsed back into rows; `error` names the first unreadable line. */
export function parseSlice(text: string): { rows: StoredRow[]; error?: string } {
  const rows: StoredRow[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { rows, error: `line ${index + 1} is not JSON` };
    }
    const parsed = LedgerLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const seq = (json as { seq?: unknown }).seq;
      const where = typeof seq === 'number' ? ` (seq ${seq})` : '';
      return {
        rows,
        error: `line ${index + 1}${where} is not a ledger entry: ${issue?.path.join('.') || '(line)'} ${issue?.message}`,
      };
    }
    const { data, ...fields } = parsed.data;
    rows.push({ ...fields, dataJson: canonicalJson(data) });
  }
  return { rows };
}

/** What the slice must hang from and reach; both parts are optional. */
export interface SliceBounds {
  /** Stored hash of seq `from - 1`; null when unknown (the first prevHash is then taken as is). */
  anchor: string | null;
  /** Where the slice must start and end, and the hash its last entry must have (pack.json). */
  range?: { from: number; to: number; lastHash?: string };
}

/**
 * Recomputes every hash and link of an exported slice, checks that it starts from the anchor
 * and reaches the recorded end: a deleted, reordered or edited line names its seq.
 */
export function verifySlice(rows: StoredRow[], bounds: SliceBounds): VerifyReport {
  const from = bounds.range?.from ?? rows[0]?.seq ?? 1;
  const anchor = from === 1 ? GENESIS_PREV_HASH : (bounds.anchor ?? rows[0]?.prevHash ?? null);
  const checker = createChainChecker(from, anchor);
  for (const row of rows) {
    const problem = checker.push(row);
    if (problem) return checker.fail(problem);
  }
  const report = checker.finish(bounds.range ? { seq: bounds.range.to } : null);
  if (report.problem || !bounds.range) return report;
  if (report.lastSeq !== null && report.lastSeq > bounds.range.to) {
    const seq = bounds.range.to + 1;
    return checker.fail({
      seq,
      message: `seq ${seq}: beyond the end of the slice (seq ${bounds.range.to})`,
    });
  }
  const { lastHash } = bounds.range;
  if (lastHash !== undefined && report.lastHash !== lastHash) {
    return checker.fail({
      seq: bounds.range.to,
      message: `seq ${bounds.range.to}: hash ${report.lastHash} is not the recorded last hash ${lastHash}`,
    });
  }
  return report;
}

/** An exported evidence document: its id, where it lies, and the sha256 of its bytes. */
export interface EvidenceFile {
  id: string;
  file: string;
  sha256: string;
}

/**
 * Problems with evidence documents against the slice: each document's sha256 must be the
 * digest an `evidence.recorded` entry of the slice records for its id.
 */
export function checkEvidenceDigests(rows: StoredRow[], files: EvidenceFile[]): string[] {
  const recorded = new Map<string, { digest: string; seq: number }>();
  for (const row of rows) {
    if (row.kind !== 'evidence.recorded') continue;
    const data = JSON.parse(row.dataJson) as { id?: unknown; digest?: unknown };
    if (typeof data.id === 'string' && typeof data.digest === 'string') {
      recorded.set(data.id, { digest: data.digest, seq: row.seq });
    }
  }
  const problems: string[] = [];
  for (const file of files) {
    const entry = recorded.get(file.id);
    if (!entry) {
      problems.push(`${file.file}: no evidence.recorded entry for ${file.id} in the slice`);
    } else if (entry.digest !== file.sha256) {
      problems.push(
        `${file.file}: sha256 ${file.sha256} is not the digest ${entry.digest} recorded at seq ${entry.seq}`,
      );
    }
  }
  return problems;
}
