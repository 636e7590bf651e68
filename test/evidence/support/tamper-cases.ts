import type { Transaction } from '../../../src/store/db.ts';

/** Entries in the chain each tamper case starts from. */
export const N = 60;

/** One way of altering stored rows, and the first problem verify must name. */
export interface TamperCase {
  name: string;
  change: (tx: Transaction) => Promise<unknown>;
  seq: number;
  message: RegExp;
}

/** The message for a recomputed hash that differs from the stored one. */
export const mismatch = (seq: number) =>
  new RegExp(`^seq ${seq}: hash mismatch \\(stored [0-9a-f]{64}, computed [0-9a-f]{64}\\)$`);

/** An UPDATE of one entry, as a tamper step. */
export const update =
  (set: string, seq: number, params: unknown[] = []) =>
  (tx: Transaction) =>
    tx.query(`UPDATE ledger_entries SET ${set} WHERE seq = ${seq}`, params);

/** Edits of every field, deletions and a swap: each with the first bad seq verify must report. */
export const TAMPER_CASES: TamperCase[] = [
  { name: 'actor', change: update('actor = $1', 42, ['mallory']), seq: 42, message: mismatch(42) },
  { name: 'kind', change: update('kind = $1', 42, ['noop']), seq: 42, message: mismatch(42) },
  {
    name: 'subject',
    change: update('subject = $1', 7, ['billing/prod']),
    seq: 7,
    message: mismatch(7),
  },
  { name: 'data', change: update(`data = '{"i":999}'`, 30), seq: 30, message: mismatch(30) },
  {
    name: 'data re-serialized (same JSON, other bytes)',
    change: update(`data = '{"i": 29}'`, 30),
    seq: 30,
    message: mismatch(30),
  },
  {
    name: 'at by one millisecond',
    change: update(`at = at + interval '1 millisecond'`, 42),
    seq: 42,
    message: mismatch(42),
  },
  {
    name: 'at by one microsecond',
    change: update(`at = at + interval '1 microsecond'`, 42),
    seq: 42,
    message: mismatch(42),
  },
  {
    name: 'prevHash',
    change: update(`prev_hash = $1`, 42, ['f'.repeat(64)]),
    seq: 42,
    message: mismatch(42),
  },
  {
    name: 'hash',
    change: update(`hash = $1`, 42, ['e'.repeat(64)]),
    seq: 42,
    message: mismatch(42),
  },
  {
    name: 'seq 1 (genesis) data',
    change: update(`data = '{"i":-1}'`, 1),
    seq: 1,
    message: mismatch(1),
  },
  {
    name: 'last entry actor',
    change: update('actor = $1', N, ['mallory']),
    seq: N,
    message: mismatch(N),
  },
  {
    name: 'a row deleted',
    change: (tx) => tx.query('DELETE FROM ledger_entries WHERE seq = 17'),
    seq: 17,
    message: /^gap: seq 17 missing$/,
  },
  {
    name: 'the first row deleted',
    change: (tx) => tx.query('DELETE FROM ledger_entries WHERE seq = 1'),
    seq: 1,
    message: /^gap: seq 1 missing$/,
  },
  {
    name: 'the last row deleted (head still names it)',
    change: (tx) => tx.query(`DELETE FROM ledger_entries WHERE seq = ${N}`),
    seq: N,
    message: new RegExp(`^gap: seq ${N} missing$`),
  },
  {
    name: 'two rows swapped',
    change: async (tx) => {
      await tx.query('UPDATE ledger_entries SET seq = 1000021 WHERE seq = 21');
      await tx.query('UPDATE ledger_entries SET seq = 21 WHERE seq = 20');
      await tx.query('UPDATE ledger_entries SET seq = 20 WHERE seq = 1000021');
    },
    seq: 20,
    message: mismatch(20),
  },
];
