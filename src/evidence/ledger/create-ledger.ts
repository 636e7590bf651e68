import type { Db, Queryable } from '../../store/db.ts';
import { createGroupCommit } from '../../store/group-commit.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { createCachedHeadAppender, nextRow } from './cached-head.ts';
import {
  formatAt,
  GENESIS_PREV_HASH,
  type JsonValue,
  type LedgerEntry,
  type LedgerInput,
} from './canonical-entry.ts';
import { createChainChecker, type StoredRow, type VerifyReport } from './check-chain.ts';
import {
  fetchHash,
  fetchHeadState,
  insertRow,
  type LedgerHead,
  lockHead,
  pagesOfRows,
} from './ledger-rows.ts';

/** Inclusive seq bounds; both optional. */
export interface LedgerRange {
  from?: number;
  to?: number;
}

/** What the entry builder learns once the head is locked. */
export interface NextEntry {
  seq: number;
  at: string;
}

export interface Ledger {
  /** Appends one entry, in its own transaction or inside `options.tx`. */
  append(input: LedgerInput, options?: { tx?: Queryable }): Promise<LedgerEntry>;
  /**
   * Appends inside `tx`, letting `build` see the entry's seq and time first (the head stays
   * locked meanwhile): evidence documents name the seq that records them.
   */
  appendWith(
    tx: Queryable,
    build: (next: NextEntry) => LedgerInput | Promise<LedgerInput>,
  ): Promise<LedgerEntry>;
  /** Entries in seq order, fetched in pages. */
  read(range?: LedgerRange): AsyncGenerator<LedgerEntry>;
  head(): Promise<LedgerHead>;
  /** Recomputes every hash and link in the range; names the first bad seq. */
  verify(range?: LedgerRange): Promise<VerifyReport>;
}

export interface LedgerOptions {
  clock?: () => Date;
  log?: Logger;
  /** Rows per page when reading and verifying. */
  pageSize?: number;
}

function bounds(range: LedgerRange, head: number): { from: number; to: number } {
  const from = range.from ?? 1;
  const to = Math.min(range.to ?? head, head);
  for (const [name, value] of [
    ['from', from],
    ['to', range.to ?? 1],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`--${name} must be a positive whole number, got ${value}`);
    }
  }
  return { from, to };
}

function toEntry(row: StoredRow): LedgerEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    subject: row.subject,
    data: JSON.parse(row.dataJson) as JsonValue,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The ledger over a database where migration 002 is applied. */
export function createLedger(db: Db, options: LedgerOptions = {}): Ledger {
  const clock = options.clock ?? (() => new Date());
  const pageSize = options.pageSize ?? 5_000;
  // Appends made at the same time share one transaction and one commit (each still settles
  // only after its entry committed).
  const writes = createGroupCommit(db);
  // PGlite has one writer (this process holds its data dir), so the head can live in memory.
  // PostgreSQL may have other writers: there every append locks the head.
  const cached = db.kind === 'pglite' ? createCachedHeadAppender(db) : null;

  async function appendWith(
    tx: Queryable,
    build: (next: NextEntry) => LedgerInput | Promise<LedgerInput>,
  ): Promise<LedgerEntry> {
    // This transaction moves the head (or rolls back): the cached one is no longer known good.
    cached?.forget();
    const head = await lockHead(tx);
    const next = { seq: head.seq + 1, at: formatAt(clock()) };
    const row = nextRow(head, next.at, await build(next));
    await insertRow(tx, row);
    options.log?.debug({ seq: row.seq, kind: row.kind, subject: row.subject }, 'ledger append');
    return toEntry(row);
  }

  async function appendAlone(input: LedgerInput): Promise<LedgerEntry> {
    const row = cached ? await cached.tryAppend(input, () => formatAt(clock())) : null;
    if (row) {
      options.log?.debug({ seq: row.seq, kind: row.kind, subject: row.subject }, 'ledger append');
      return toEntry(row);
    }
    return writes.transaction((tx) => appendWith(tx, () => input));
  }

  async function* read(range: LedgerRange = {}): AsyncGenerator<LedgerEntry> {
    const state = await fetchHeadState(db);
    const { from, to } = bounds(range, Math.max(state.seq, state.maxSeq));
    for await (const rows of pagesOfRows(db, from, to, pageSize)) {
      for (const row of rows) yield toEntry(row);
    }
  }

  async function verify(range: LedgerRange = {}): Promise<VerifyReport> {
    const state = await fetchHeadState(db);
    const { from, to } = bounds(range, state.seq);
    const anchor = from === 1 ? GENESIS_PREV_HASH : await fetchHash(db, from - 1);
    const checker = createChainChecker(from, anchor);
    if (from > to) return checker.finish(null);
    for await (const rows of pagesOfRows(db, from, to, pageSize)) {
      for (const row of rows) {
        const problem = checker.push(row);
        if (problem) return checker.fail(problem);
      }
    }
    const reachesHead = to === state.seq;
    if (reachesHead && state.maxSeq > state.seq) {
      return checker.fail({
        seq: state.seq + 1,
        message: `seq ${state.seq + 1}: stored beyond the chain head (ledger_head is at seq ${state.seq})`,
      });
    }
    return checker.finish(reachesHead ? { seq: state.seq, hash: state.hash } : { seq: to });
  }

  return {
    append: (input, appendOptions) =>
      appendOptions?.tx ? appendWith(appendOptions.tx, () => input) : appendAlone(input),
    appendWith,
    read,
    head: async () => {
      const { seq, hash } = await fetchHeadState(db);
      return { seq, hash };
    },
    verify,
  };
}
