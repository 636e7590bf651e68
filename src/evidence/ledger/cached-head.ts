import type { Db } from '../../store/db.ts';
import { canonicalJson, hashEntry, type LedgerInput } from './canonical-entry.ts';
import type { StoredRow } from './check-chain.ts';
import { fetchHeadState, insertIfHead, type LedgerHead } from './ledger-rows.ts';

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`ledger entry ${name} must be a non-empty string`);
  }
  return value;
}

/** The stored row that follows `head`, hashed: validates the caller's input. */
export function nextRow(head: LedgerHead, at: string, input: LedgerInput): StoredRow {
  const fields = {
    seq: head.seq + 1,
    at,
    actor: requireText('actor', input.actor),
    kind: requireText('kind', input.kind),
    subject: requireText('subject', input.subject),
    dataJson: canonicalJson(input.data),
    prevHash: head.hash,
  };
  return { ...fields, hash: hashEntry(fields) };
}

/** Appends that trust a head kept in memory; see createCachedHeadAppender. */
export interface CachedHeadAppender {
  /** The committed row, or null when the head had moved (the caller appends the locked way). */
  tryAppend(input: LedgerInput, at: () => string): Promise<StoredRow | null>;
  /** Forgets the cached head: call before any append made another way. */
  forget(): void;
}

/**
 * For a store with one writer (PGlite, its data dir locked to this process): the chain head
 * lives in memory, so an append is ONE autocommitted statement instead of BEGIN, lock the
 * head, insert, COMMIT. The statement still checks the stored head (compare-and-set), so a
 * stale cache can never fork the chain: it only sends that append down the locked path.
 * Appends through here run one at a time, in call order.
 */
export function createCachedHeadAppender(db: Db): CachedHeadAppender {
  let head: LedgerHead | null = null;
  let tail: Promise<unknown> = Promise.resolve();

  async function attempt(input: LedgerInput, at: () => string): Promise<StoredRow | null> {
    const known = head ?? (await fetchHeadState(db));
    const row = nextRow(known, at(), input);
    head = null;
    if (!(await insertIfHead(db, row))) return null;
    head = { seq: row.seq, hash: row.hash };
    return row;
  }

  return {
    tryAppend(input, at) {
      const run = tail.then(() => attempt(input, at));
      tail = run.catch(() => {});
      return run;
    },
    forget() {
      head = null;
    },
  };
}
