import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/domain/commands/tokenize.ts';

function words(input: string) {
  const result = tokenize(input);
  if (!result.ok) throw new Error(result.message);
  return result.tokens.map((t) => ({ kind: t.kind, text: t.text, name: t.name, value: t.value }));
}

describe('domain/commands/tokenize', () => {
  it.each([
    [
      'bare words and runs of whitespace',
      'rollback   checkout\u00a0prod',
      ['rollback', 'checkout', 'prod'],
    ],
    ['double quotes', 'deploy "a b"  c', ['deploy', 'a b', 'c']],
    ['single quotes keep backslashes', String.raw`say 'a \" b'`, ['say', String.raw`a \" b`]],
    [
      'escaped quote and backslash in double quotes',
      String.raw`say "he said \"hi\" \\o/"`,
      ['say', String.raw`he said "hi" \o/`],
    ],
    ['Slack smart double quotes', 'say “rolling back now”', ['say', 'rolling back now']],
    ['Slack smart single quotes', 'say ‘rolling back’', ['say', 'rolling back']],
    [
      'apostrophes inside a word stay literal',
      "don't panic, it’s fine",
      ["don't", 'panic,', 'it’s', 'fine'],
    ],
    ['empty quoted string', 'say ""', ['say', '']],
    ['unicode words', 'déployer 检查 🚀', ['déployer', '检查', '🚀']],
  ])('splits %s', (_, input, expected) => {
    expect(words(input).map((w) => w.text)).toEqual(expected);
  });

  it.each([
    ['--env prod', { kind: 'flag', text: '--env', name: 'env', value: undefined }],
    ['--env=prod', { kind: 'flag', text: '--env=prod', name: 'env', value: 'prod' }],
    [
      '--reason="bad deploy"',
      { kind: 'flag', text: '--reason=bad deploy', name: 'reason', value: 'bad deploy' },
    ],
    ['—env=prod', { kind: 'flag', text: '—env=prod', name: 'env', value: 'prod' }],
    ['-h', { kind: 'flag', text: '-h', name: 'h', value: undefined }],
    ['env=prod', { kind: 'pair', text: 'env=prod', name: 'env', value: 'prod' }],
    [
      'reason=“hot fix”',
      { kind: 'pair', text: 'reason=hot fix', name: 'reason', value: 'hot fix' },
    ],
    ['"--env"', { kind: 'word', text: '--env', name: undefined, value: undefined }],
    ['"a=b"', { kind: 'word', text: 'a=b', name: undefined, value: undefined }],
    ['-5', { kind: 'word', text: '-5', name: undefined, value: undefined }],
    ['=x', { kind: 'word', text: '=x', name: undefined, value: undefined }],
    ['--', { kind: 'end', text: '--', name: undefined, value: undefined }],
  ])('classifies %s', (input, expected) => {
    expect(words(input)[0]).toEqual(expected);
  });

  it.each([
    ['deploy checkout --reason "oops', '"', 26],
    ["say 'open", "'", 5],
    ['say “never closed', '“', 5],
    [String.raw`say "escaped at end\"`, '"', 5],
    ['🚀 "x', '"', 3],
  ])('names the position of an unterminated quote in %s', (input, quote, position) => {
    expect(tokenize(input)).toEqual({
      ok: false,
      position,
      message: `Unterminated quote: the \`${quote}\` at position ${position} is never closed.`,
    });
  });
});
