import { didYouMean, suggest } from '../../util/suggest.ts';
import type { Flag, Grammar } from '../catalog/schema.ts';
import type { Token } from './tokenize.ts';
import { placeholder } from './usage.ts';

export type Scanned =
  | { ok: true; positionals: Token[]; flags: Map<string, { text: string; token: Token }> }
  | { ok: false; failure: { message: string; token?: string; suggestion?: string } };

/**
 * Separates positionals from flags and pairs each flag with its text value: `--env prod`,
 * `--env=prod`, `env=prod`, or a bare boolean. A greedy flag (`--reason`) also takes the
 * following words up to the next flag. Reports unknown, repeated and valueless flags.
 */
export function scanFlags(grammar: Grammar, tokens: Token[]): Scanned {
  const positionals: Token[] = [];
  const flags = new Map<string, { text: string; token: Token }>();
  const byName = (name: string | undefined) =>
    grammar.flags.find((f) => f.name === (name ?? '').toLowerCase());
  const isFlagLike = (t: Token | undefined) =>
    t !== undefined &&
    (t.kind === 'flag' || t.kind === 'end' || (t.kind === 'pair' && !!byName(t.name)));
  let onlyPositional = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    if (onlyPositional || token.kind === 'word') {
      positionals.push(token);
      continue;
    }
    if (token.kind === 'end') {
      onlyPositional = true;
      continue;
    }
    const flag = byName(token.name);
    if (!flag) return { ok: false, failure: unknownFlag(grammar, token) };
    const shown = `--${flag.name}`;
    if (flags.has(flag.name)) {
      return {
        ok: false,
        failure: { message: `\`${shown}\` is given twice; give it once.`, token: token.text },
      };
    }
    let text = token.value;
    if (flag.type === 'boolean') text ??= 'true';
    else if (text === undefined) {
      const next = tokens[i + 1];
      if (next && !isFlagLike(next)) {
        text = next.text;
        i++;
      }
    }
    if (flag.greedy && text !== undefined) {
      while (i + 1 < tokens.length && !isFlagLike(tokens[i + 1])) {
        text += ` ${tokens[i + 1]?.text ?? ''}`;
        i++;
      }
    }
    if (text === undefined || text.trim() === '') {
      return { ok: false, failure: missingValue(flag, grammar, token) };
    }
    flags.set(flag.name, { text, token });
  }
  return { ok: true, positionals, flags };
}

function unknownFlag(grammar: Grammar, token: Token) {
  const typed = token.name ?? '';
  const shown = token.kind === 'pair' ? `${typed}=` : `--${typed}`;
  const known = grammar.flags.map((f) => f.name);
  const name = suggest(typed, known);
  const suggestion = name ? `--${name}` : undefined;
  const list =
    known.length > 0
      ? ` Flags: ${known.map((k) => `\`--${k}\``).join(', ')}.`
      : ' It takes no flags.';
  return {
    message: `Unknown flag \`${shown}\`.${didYouMean(suggestion)}${suggestion ? '' : list}`,
    token: token.text,
    ...(suggestion ? { suggestion } : {}),
  };
}

function missingValue(flag: Flag, grammar: Grammar, token: Token) {
  const value = placeholder(flag, grammar);
  return {
    message: `\`--${flag.name}\` needs a value: \`--${flag.name} ${value}\` (${about(flag.description)}).`,
    token: token.text,
  };
}

// "Where to roll back." → "where to roll back", to sit inside a sentence.
function about(description: string): string {
  const text = description.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}
