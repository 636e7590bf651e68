import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ParseContext,
  type ParseResult,
  parseCommand,
} from '../../../src/domain/commands/index.ts';
import { repoContext } from './repo-context.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

// Pieces people (and chat clients) really type, glued in every possible way.
const PIECES = [
  '/mc',
  'deploy',
  'rollback',
  'rolback',
  'gate',
  'drill',
  'report',
  'triage',
  'status',
  'help',
  'checkout',
  'Checkout',
  'payments',
  'gateway',
  'chekout',
  'staging',
  'prod',
  'prd',
  '--env',
  '--env=prod',
  'env=prod',
  '—env',
  '–env',
  '--to',
  '--to=3',
  '--reason',
  '--dry-run',
  '--dry-run=maybe',
  '--show',
  'slo',
  '--since',
  '--duration',
  '--set',
  '--help',
  '-h',
  '-e',
  '--',
  '---',
  '=',
  '==',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '\\',
  '\\"',
  '"rolling back"',
  "'x y'",
  'v1.4.2',
  '1.4',
  `img@sha256:${'a'.repeat(64)}`,
  '41',
  '-3',
  '5m',
  '1h30m',
  '0s',
  'soon',
  'Q2W3E4R5T6Y7U8',
  '<https://acme.pagerduty.com/incidents/Q2W3E4R5T6Y7U8>',
  '<@U01ALICE01>',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  '🚀',
  '\u00a0',
  '\u200b',
  '\n',
];
const SEPARATORS = [' ', '  ', '', '\t', '='];

const realistic = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
      fc.constantFrom(...SEPARATORS),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.map(([piece, sep]) => piece + sep).join(''));

// A known verb and service first, so the walk reaches flags and values, not just the verb.
const startsWell = fc
  .tuple(
    fc.constantFrom(
      'deploy',
      'rollback',
      'gate',
      'drill',
      'drill report',
      'triage',
      'status',
      'help',
    ),
    fc.constantFrom('checkout', 'payments', 'gateway', 'pod-kill checkout', 'checkout v1.4.2', ''),
    realistic,
  )
  .map((parts) => parts.join(' '));

// Values per type, right and wrong, so most generated commands get deep into validation.
const VALUES: Record<string, string[]> = {
  service: ['checkout', 'payments', 'gateway', 'GATEWAY', 'chekout', 'search', ''],
  environment: ['staging', 'prod', 'PROD', 'prd', 'qa', ''],
  version: ['v1.4.2', '2.0.0-rc.1', `reg.io/x@sha256:${'b'.repeat(64)}`, '1.4', 'latest'],
  int: ['3', '41', '-1', 'abc', '1e3', '99999999999999999999'],
  duration: ['5m', '1h30m', '7d', '0s', 'soon', '5'],
  boolean: ['true', 'false', 'no', 'maybe'],
  enum: ['summary', 'slo', 'pods', 'runs', 'slos'],
  verb: ['deploy', 'deplyo', 'help', 'x'],
  string: ['pod-kill', 'bad deploy', 'p99 up', 'x=y', "it's", ''],
  'service-or-incident': ['checkout', 'Q2W3E4R5T6Y7U8', 'PABC123', 'nope'],
};
const quoteForms = fc.constantFrom(
  (v: string) => v,
  (v: string) => v,
  (v: string) => `"${v}"`,
  (v: string) => `“${v}”`,
  (v: string) => `'${v}`,
);

function wellFormed(c: ParseContext) {
  const grammars = [...c.commands.values()].flatMap((spec) => [
    { words: spec.verb, grammar: spec },
    ...spec.subcommands.map((sub) => ({ words: `${spec.verb} ${sub.name}`, grammar: sub })),
  ]);
  return fc.constantFrom(...grammars).chain(({ words, grammar }) => {
    const args = fc.tuple(
      ...grammar.arguments.map((a) => fc.constantFrom(...(VALUES[a.type] ?? ['x']))),
    );
    const anyValue = fc.constantFrom(...Object.values(VALUES).flat());
    const flag = fc
      .constantFrom(...grammar.flags, { name: 'bogus', type: 'string' })
      .chain((f) =>
        fc.tuple(
          fc.constant(f.name),
          fc.constantFrom('--', '--', '—', '', 'kv'),
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...(VALUES[f.type] ?? ['x'])) },
            { weight: 1, arbitrary: anyValue },
          ),
          quoteForms,
        ),
      );
    return fc
      .tuple(args, fc.nat({ max: grammar.arguments.length }), fc.array(flag, { maxLength: 4 }))
      .map(([values, keep, flags]) => {
        const rendered = flags.map(([name, dash, value, quote]) =>
          dash === 'kv' ? `${name}=${quote(value)}` : `${dash}${name} ${quote(value)}`,
        );
        return [words, ...values.slice(0, keep), ...rendered].join(' ');
      });
  });
}

const anyTextWith = (c: ParseContext) =>
  fc.oneof(
    { weight: 4, arbitrary: wellFormed(c) },
    { weight: 3, arbitrary: realistic },
    { weight: 3, arbitrary: startsWell },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...'"\'“”‘’\\= -—abc'), maxLength: 30 }),
    },
  );

function checkInvariants(text: string, result: ParseResult): void {
  if (!result.ok) {
    expect(result.error.message.trim()).not.toBe('');
    expect(result.error.usage ?? '').toMatch(/^\/mc /);
    return;
  }
  const { command } = result;
  expect(ctx.commands.has(command.verb)).toBe(true);
  expect(command.raw).toBe(text);
  if (command.service) expect(Object.keys(ctx.catalog.services)).toContain(command.service);
  if (command.env) expect(Object.keys(ctx.catalog.environments)).toContain(command.env);
  if (command.service && command.env) {
    expect(Object.keys(ctx.catalog.services[command.service]?.environments ?? {})).toContain(
      command.env,
    );
  }
}

describe('domain/commands/parse-command: totality', () => {
  it('returns a result for any input, never throws (10,000 inputs)', () => {
    fc.assert(
      fc.property(anyTextWith(ctx), (text) => {
        checkInvariants(text, parseCommand(text, ctx));
      }),
      { numRuns: 10_000 },
    );
  });

  it('accepts every example written in commands/*.yml', () => {
    for (const spec of ctx.commands.values()) {
      for (const grammar of [spec, ...spec.subcommands]) {
        for (const example of grammar.examples) {
          const result = parseCommand(example, ctx);
          expect(result.ok ? result.command.verb : result.error.message).toBe(spec.verb);
        }
      }
    }
  });
});
