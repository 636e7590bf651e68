/**
 * One word of a command line. `flag` is `--name` or `--name=value` (value set only when inline),
 * `pair` is `key=value`, `end` is a bare `--` (everything after it is positional), `word` is
 * anything else. `text` is the word with quotes removed; `position` is 1-based, in characters.
 */
export interface Token {
  kind: 'word' | 'flag' | 'pair' | 'end';
  text: string;
  position: number;
  quoted: boolean;
  name?: string;
  value?: string;
}

export type TokenizeResult =
  | { ok: true; tokens: Token[] }
  | { ok: false; message: string; position: number };

// Slack (and macOS "smart punctuation") turns quotes into curly ones and `--` into dashes.
const DOUBLE_QUOTES = new Set(['"', '“', '”', '„', '‟']);
const SINGLE_QUOTES = new Set(["'", '‘', '’', '‚', '‛']);
const LONG_DASHES = /^(?:--|—|–)/;
const SPACE = /[\s\u200b-\u200d\u2060\ufeff]/u;
const KEY = /^[A-Za-z][\w-]*$/;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

function quoteClass(c: string): 'double' | 'single' | undefined {
  if (DOUBLE_QUOTES.has(c)) return 'double';
  if (SINGLE_QUOTES.has(c)) return 'single';
  return undefined;
}

/**
 * Splits a command line the way a shell would, forgiving what chat clients do to text: curly
 * quotes count as quotes, and a quote only opens at the start of a word or after `=`, so
 * apostrophes (`don't`) stay literal. Backslash escapes `"` and `\` inside double quotes.
 */
export function tokenize(input: string): TokenizeResult {
  const chars = Array.from(input);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    if (isSpace(chars[i])) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let prefix = ''; // leading characters typed outside quotes: decides flag / pair
    let inPrefix = true;
    let quoted = false;
    while (i < chars.length && !isSpace(chars[i])) {
      const c = chars[i] ?? '';
      const kind = quoteClass(c);
      if (kind && (i === start || chars[i - 1] === '=')) {
        const open = i;
        i++;
        let closed = false;
        while (i < chars.length) {
          const d = chars[i] ?? '';
          const next = chars[i + 1];
          if (kind === 'double' && d === '\\' && next !== undefined) {
            if (next === '\\' || quoteClass(next) === 'double') {
              text += next;
              i += 2;
              continue;
            }
          }
          if (quoteClass(d) === kind && (next === undefined || isSpace(next))) {
            i++;
            closed = true;
            break;
          }
          text += d;
          i++;
        }
        if (!closed) {
          return {
            ok: false,
            position: open + 1,
            message: `Unterminated quote: the \`${c}\` at position ${open + 1} is never closed.`,
          };
        }
        quoted = true;
        inPrefix = false;
        continue;
      }
      text += c;
      if (inPrefix) prefix += c;
      i++;
    }
    tokens.push(classify(text, prefix, quoted, start + 1));
  }
  return { ok: true, tokens };
}

function classify(text: string, prefix: string, quoted: boolean, position: number): Token {
  const dashes = LONG_DASHES.exec(prefix)?.[0] ?? (/^-[A-Za-z]/.test(prefix) ? '-' : '');
  if (dashes) {
    const body = text.slice(dashes.length);
    const eq = body.indexOf('=');
    if (body === '') return { kind: 'end', text, position, quoted };
    if (eq < 0) return { kind: 'flag', text, position, quoted, name: body };
    return {
      kind: 'flag',
      text,
      position,
      quoted,
      name: body.slice(0, eq),
      value: body.slice(eq + 1),
    };
  }
  const eq = prefix.indexOf('=');
  if (eq > 0 && KEY.test(prefix.slice(0, eq))) {
    return {
      kind: 'pair',
      text,
      position,
      quoted,
      name: text.slice(0, eq),
      value: text.slice(eq + 1),
    };
  }
  return { kind: 'word', text, position, quoted };
}
