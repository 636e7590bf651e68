import { hash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize is CommonJS (`module.exports = fn`) while its typings declare an ES default
// export, which NodeNext reads as `{ default: fn }`; at run time the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** prevHash of the first entry (seq 1): 64 zeros. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** A JSON value as it is hashed and stored. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What a caller appends: who did what to which thing, with details. */
export interface LedgerInput {
  actor: string;
  kind: string;
  subject: string;
  data: unknown;
}

/** One link of the chain, as stored and as returned. */
export interface LedgerEntry {
  seq: number;
  /** ISO-8601 UTC with milliseconds, exactly as hashed: `2025-01-31T23:59:59.123Z`. */
  at: string;
  actor: string;
  kind: string;
  subject: string;
  data: JsonValue;
  prevHash: string;
  hash: string;
}

/**
 * The fields of an entry in hashed form: `data` is its RFC 8785 canonical JSON text.
 * The database stores exactly these strings, so verification never re-serializes data.
 */
export interface CanonicalFields {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  subject: string;
  dataJson: string;
  prevHash: string;
}

/** RFC 8785 canonical JSON of a value; throws on what JSON cannot carry (NaN, bigint, functions). */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new Error(`not representable as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new Error('not representable as JSON: undefined');
  try {
    JSON.parse(text);
  } catch {
    // canonicalize writes `undefined` for functions inside objects; that is not JSON.
    throw new Error('not representable as JSON: contains a function or symbol');
  }
  return text;
}

// Characters JSON.stringify escapes in a string: quote, backslash, controls, and surrogates
// (lone ones are escaped; checking all keeps the test simple and falls back to the original).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON (and so RFC 8785) serialization of a string; skips JSON.stringify when nothing needs escaping. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The exact bytes hashed for an entry: RFC 8785 JSON of
 * `{ actor, at, data, kind, prevHash, seq, subject }` (keys in JCS order; `hash` excluded).
 * Built by concatenation because `dataJson` is already canonical; strings are serialized as
 * JSON.stringify does, which is what RFC 8785 prescribes for strings.
 */
export function canonicalEntryText(f: CanonicalFields): string {
  return `{"actor":${jsonString(f.actor)},"at":${jsonString(f.at)},"data":${f.dataJson},"kind":${jsonString(f.kind)},"prevHash":${jsonString(f.prevHash)},"seq":${f.seq},"subject":${jsonString(f.subject)}}`;
}

/** sha256 (lowercase hex) of an entry's canonical text: the entry's `hash`. */
export function hashEntry(fields: CanonicalFields): string {
  return hash('sha256', canonicalEntryText(fields), 'hex');
}

/** The `at` representation: ISO-8601 UTC, milliseconds, `Z`. */
export function formatAt(date: Date): string {
  const text = date.toISOString();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text)) {
    throw new Error(`timestamp outside the supported range: ${text}`);
  }
  return text;
}
