import type { Db } from '../../store/db.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { Evidence, EvidenceReader } from '../record-evidence.ts';
import type { PublicSigningKey } from '../signing/signing-key.ts';
import type { Ledger } from './create-ledger.ts';
import { recordDailyRoot, verifyDailyRoot } from './daily-root.ts';

/** Finished UTC days with ledger entries and no stored root, oldest first. */
export async function daysWithoutRoot(db: Db, now: Date): Promise<string[]> {
  const today = `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const { rows } = await db.query<{ day: string }>(
    `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM ledger_entries
     WHERE at < $1 GROUP BY 1
     EXCEPT SELECT to_char(day, 'YYYY-MM-DD') FROM ledger_roots
     ORDER BY 1`,
    [today],
  );
  return rows.map((r) => r.day);
}

/**
 * Records and signs the Merkle root of every finished UTC day that has entries but no root.
 * The signed roots are the anchor `mc ledger verify` checks a chain against: the hash chain
 * alone has no key, so anyone able to write the database could rewrite it consistently.
 */
export async function recordMissingRoots(options: {
  db: Db;
  ledger: Ledger;
  evidence: Evidence;
  now: Date;
  log: Logger;
}): Promise<string[]> {
  const recorded: string[] = [];
  for (const day of await daysWithoutRoot(options.db, options.now)) {
    try {
      const { root } = await recordDailyRoot({ ...options, day, actor: 'mc' });
      options.log.info({ day, root: root.root, entries: root.count }, 'ledger root signed');
      recorded.push(day);
    } catch (error) {
      // Another process recorded it meanwhile, or the chain is broken: say so, keep going.
      options.log.error({ err: error, day }, 'could not sign the ledger root of a day');
    }
  }
  return recorded;
}

/** The first stored root that no longer matches the chain, its signature or its document. */
export interface RootMismatch {
  day: string;
  problems: string[];
}

/** Checks every stored daily root, oldest first; returns the count and the first mismatch. */
export async function checkSignedRoots(options: {
  db: Db;
  ledger: Ledger;
  evidence: EvidenceReader;
  key: PublicSigningKey;
}): Promise<{ checked: number; mismatch: RootMismatch | null }> {
  const { rows } = await options.db.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM ledger_roots ORDER BY day`,
  );
  let checked = 0;
  for (const { day } of rows) {
    const result = await verifyDailyRoot({ ...options, day });
    checked += 1;
    if (result.problems.length > 0)
      return { checked, mismatch: { day, problems: result.problems } };
  }
  return { checked, mismatch: null };
}
