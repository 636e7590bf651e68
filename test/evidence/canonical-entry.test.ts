import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalEntryText,
  canonicalJson,
  formatAt,
  GENESIS_PREV_HASH,
  hashEntry,
  jsonString,
} from '../../src/evidence/ledger/canonical-entry.ts';

const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

describe('src/evidence/ledger/canonical-entry', () => {
  // Expected hashes computed independently (Python hashlib over the literal canonical text).
  const first = {
    seq: 1,
    at: '2025-01-01T00:00:00.000Z',
    actor: 'alice',
    kind: 'deploy',
    subject: 'checkout/prod',
    dataJson: canonicalJson({ b: 2, a: [1, 'x', null, true] }),
    prevHash: GENESIS_PREV_HASH,
  };

  it('hashes the RFC 8785 text of {actor, at, data, kind, prevHash, seq, subject}', () => {
    expect(canonicalEntryText(first)).toBe(
      `{"actor":"alice","at":"2025-01-01T00:00:00.000Z","data":{"a":[1,"x",null,true],"b":2},"kind":"deploy","prevHash":"${'0'.repeat(64)}","seq":1,"subject":"checkout/prod"}`,
    );
    expect(hashEntry(first)).toBe(
      '0817f6d83cd3959c4d83d36752a1c1605da8e94c398fbfa932195d5043bd971b',
    );
  });

  it('chains: the second vector uses the first hash as prevHash and hashes UTF-8 bytes', () => {
    const second = {
      seq: 2,
      at: '2025-01-01T00:00:01.500Z',
      actor: 'bob',
      kind: 'rollback',
      subject: 'checkout/prod',
      dataJson: canonicalJson({ note: 'café €', n: 1.5 }),
      prevHash: hashEntry(first),
    };
    expect(hashEntry(second)).toBe(
      '826c017afc36acd965459b20ed6897bcfb409ccc158397913d97b1cc94aea138',
    );
  });

  it('serializes numbers, strings and key order as RFC 8785 section 3.2.2/3.2.3 do', () => {
    const input =
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const sorting = {
      '\u20ac': 1,
      '\r': 2,
      '\ufb33': 3,
      '1': 4,
      '\ud83d\ude00': 5,
      '\u0080': 6,
      '\u00f6': 7,
    };
    // Keys sort by UTF-16 code units: \r, 1, U+0080, ö, €, 😀 (surrogates D83D…), U+FB33.
    expect(canonicalJson(sorting)).toBe(
      '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
  });

  it('serializes any string exactly as JSON.stringify does, lone surrogates included', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit }), fc.string(), (odd, plain) => {
        expect(jsonString(odd)).toBe(JSON.stringify(odd));
        expect(jsonString(plain)).toBe(JSON.stringify(plain));
      }),
      { numRuns: 2000 },
    );
    expect(jsonString('\ud800x"\\')).toBe('"\\ud800x\\"\\\\"');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/not representable/);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/not representable/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/not representable/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/not representable/);
    expect(() => canonicalJson(undefined)).toThrow(/not representable/);
  });

  it('formats `at` as ISO-8601 UTC with milliseconds', () => {
    expect(formatAt(new Date(Date.UTC(2025, 0, 31, 23, 59, 59, 7)))).toBe(
      '2025-01-31T23:59:59.007Z',
    );
  });

  it('builds the same text as canonicalizing the whole entry object, for any input', () => {
    const text = fc.string({ unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          actor: text,
          kind: text,
          subject: fc.string({ unit: 'binary' }),
          data: fc.jsonValue(),
          at: fc.date({
            min: new Date(0),
            max: new Date('9999-12-31T00:00:00Z'),
            noInvalidDate: true,
          }),
        }),
        (entry) => {
          const fields = {
            seq: entry.seq,
            at: formatAt(entry.at),
            actor: entry.actor,
            kind: entry.kind,
            subject: entry.subject,
            dataJson: canonicalJson(entry.data),
            prevHash: GENESIS_PREV_HASH,
          };
          const { dataJson, ...rest } = fields;
          expect(canonicalEntryText(fields)).toBe(
            canonicalize({ ...rest, data: JSON.parse(dataJson) }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
