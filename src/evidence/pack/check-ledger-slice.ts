import {
  checkEvidenceDigests,
  type EvidenceFile,
  parseSlice,
  verifySlice,
} from './ledger-slice.ts';

export interface SliceCheckInput {
  /** How the slice is named in messages (`ledger.jsonl`). */
  name: string;
  text: string;
  /** The hash the first entry must link to, and where it came from (`--anchor`, pack.json). */
  anchor: { hash: string; source: string } | null;
  /** Start, end and last hash the slice must have (from pack.json). */
  range?: { from: number; to: number; lastHash: string };
  /** Evidence documents whose digests the slice must record. */
  evidence?: EvidenceFile[];
}

/** The verdict, with the lines a person reads: `lines` go to stdout, `failure` to stderr. */
export interface SliceCheck {
  ok: boolean;
  lines: string[];
  failure?: string;
}

function anchorLine(from: number, input: SliceCheckInput, firstPrev: string | undefined): string {
  if (from === 1) return 'anchor: seq 1 links to the genesis value (64 zeros)';
  if (input.anchor) {
    return `anchor (prevHash of seq ${from}): ${input.anchor.hash} (from ${input.anchor.source})`;
  }
  return `anchor (prevHash of seq ${from}): ${firstPrev} NOT CHECKED: pass --anchor HASH or keep pack.json next to the file`;
}

/**
 * Verifies an exported ledger slice offline: parses it, recomputes every hash and link from
 * the anchor to the recorded end, and checks the evidence digests it records. The same
 * function writes ledger-verification.txt at export and answers `mc ledger verify --file`.
 */
export function checkLedgerSlice(input: SliceCheckInput): SliceCheck {
  const { rows, error } = parseSlice(input.text);
  if (error) return { ok: false, lines: [], failure: `FAILED: ${input.name} ${error}` };
  if (rows.length === 0) {
    return { ok: false, lines: [], failure: `FAILED: ${input.name} holds no ledger entries` };
  }
  const report = verifySlice(rows, {
    anchor: input.anchor?.hash ?? null,
    ...(input.range ? { range: input.range } : {}),
  });
  const from = input.range?.from ?? rows[0]!.seq;
  const lines = [
    report.checked === 0
      ? `${input.name}: no entry checked`
      : `${input.name}: entries checked: ${report.checked} (seq ${report.firstSeq}..${report.lastSeq})`,
    anchorLine(from, input, rows[0]?.prevHash),
  ];
  if (report.lastSeq !== null)
    lines.push(`latest hash (seq ${report.lastSeq}): ${report.lastHash}`);
  if (report.problem) {
    return {
      ok: false,
      lines,
      failure: `TAMPERED: first bad seq ${report.problem.seq}: ${report.problem.message}`,
    };
  }
  if (input.evidence) {
    const problems = checkEvidenceDigests(rows, input.evidence);
    if (problems.length > 0) {
      return {
        ok: false,
        lines,
        failure: `TAMPERED: evidence not recorded in the slice:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      };
    }
    lines.push(
      `evidence: ${input.evidence.length} documents, each digest recorded by an evidence.recorded entry of the slice`,
    );
  }
  lines.push(`OK: ${report.checked} entries, seq ${report.firstSeq}..${report.lastSeq}`);
  return { ok: true, lines };
}
