import { type CanonicalFields, GENESIS_PREV_HASH, hashEntry } from './canonical-entry.ts';

/** A stored row in hashed form plus the hash stored with it. */
export interface StoredRow extends CanonicalFields {
  hash: string;
}

/** The first thing found wrong, naming the seq an auditor should look at. */
export interface ChainProblem {
  seq: number;
  message: string;
}

/** What a verification pass found. `problem` is absent when the range is intact. */
export interface VerifyReport {
  ok: boolean;
  /** Entries whose hash and link were checked. */
  checked: number;
  firstSeq: number | null;
  /** Hash of the first checked entry: the genesis hash when the range starts at seq 1. */
  firstHash: string | null;
  lastSeq: number | null;
  lastHash: string | null;
  problem?: ChainProblem;
}

/** Incremental chain checker: feed rows in seq order, stop at the first problem. */
export interface ChainChecker {
  push(row: StoredRow): ChainProblem | null;
  /** Checks the range ended where it must (a missing tail is a gap too) and builds the report. */
  finish(expectedLast: { seq: number; hash?: string } | null): VerifyReport;
  /** Report for a pass stopped early by a problem. */
  fail(problem: ChainProblem): VerifyReport;
}

/**
 * Starts checking at seq `from`. `anchorHash` is the stored hash of seq `from - 1` (the
 * genesis value for seq 1); null when that entry is itself missing.
 */
export function createChainChecker(from: number, anchorHash: string | null): ChainChecker {
  let expected = from;
  let prevHash = anchorHash;
  let checked = 0;
  let firstHash: string | null = null;
  let lastHash: string | null = null;

  function report(problem?: ChainProblem): VerifyReport {
    return {
      ok: problem === undefined,
      checked,
      firstSeq: checked > 0 ? from : null,
      firstHash,
      lastSeq: checked > 0 ? expected - 1 : null,
      lastHash,
      ...(problem ? { problem } : {}),
    };
  }

  return {
    push(row) {
      if (row.seq > expected) return { seq: expected, message: `gap: seq ${expected} missing` };
      if (row.seq < expected) {
        return { seq: row.seq, message: `seq ${row.seq}: out of order (expected seq ${expected})` };
      }
      const computed = hashEntry(row);
      if (computed !== row.hash) {
        return {
          seq: row.seq,
          message: `seq ${row.seq}: hash mismatch (stored ${row.hash}, computed ${computed})`,
        };
      }
      if (row.seq === 1 && row.prevHash !== GENESIS_PREV_HASH) {
        return { seq: 1, message: 'seq 1: prevHash is not the genesis value (64 zeros)' };
      }
      if (row.seq > 1 && prevHash === null) {
        return { seq: row.seq - 1, message: `gap: seq ${row.seq - 1} missing` };
      }
      if (row.seq > 1 && row.prevHash !== prevHash) {
        return {
          seq: row.seq,
          message: `seq ${row.seq}: prevHash does not match seq ${row.seq - 1}'s hash (prevHash ${row.prevHash}, seq ${row.seq - 1} hash ${prevHash})`,
        };
      }
      checked += 1;
      if (firstHash === null) firstHash = row.hash;
      lastHash = row.hash;
      prevHash = row.hash;
      expected += 1;
      return null;
    },
    finish(expectedLast) {
      if (expectedLast && expectedLast.seq >= expected) {
        return report({ seq: expected, message: `gap: seq ${expected} missing` });
      }
      if (
        expectedLast?.hash !== undefined &&
        expectedLast.seq === expected - 1 &&
        expectedLast.hash !== (lastHash ?? GENESIS_PREV_HASH)
      ) {
        return report({
          seq: expectedLast.seq,
          message: `head: ledger_head records hash ${expectedLast.hash} for seq ${expectedLast.seq}, but the entry's hash is ${lastHash}`,
        });
      }
      return report();
    },
    fail(problem) {
      return report(problem);
    },
  };
}
