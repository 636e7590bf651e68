// Alert-name patterns, regexes and label matchers as playbooks write them. Compiling returns
// either a matcher or a sentence saying what is wrong, so load-time checks and matching share
// one parser.

export type Compiled<T> = { ok: true; value: T } | { ok: false; message: string };

const SLASHED = /^\/(.*)\/([imsu]*)$/s;
const GLOB = /^[A-Za-z0-9_:*?]+$/;
const INLINE_FLAGS = /^\(\?([ims]+)\)/;

/**
 * A regex as written in YAML. Accepts Go/RE2's leading `(?i)` (Alertmanager and Prometheus
 * users write it; JavaScript has no such syntax) by turning it into the `i` flag.
 */
export function compileRegex(source: string, flags = '', anchored = false): Compiled<RegExp> {
  let body = source;
  let all = flags;
  const inline = INLINE_FLAGS.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    all += inline[1] ?? '';
  }
  try {
    const unique = [...new Set(all)].join('');
    return { ok: true, value: new RegExp(anchored ? `^(?:${body})$` : body, unique) };
  } catch (error) {
    const reason =
      // V8 says "Invalid regular expression: /src/flags: Reason"; the reason is what helps.
      error instanceof Error ? error.message.replace(/^[\s\S]*\/[a-z]*: /, '') : '';
    return { ok: false, message: `is not a valid regular expression: ${reason.toLowerCase()}` };
  }
}

/**
 * An alert-name pattern: `/regex/flags` (searched, as written) or a glob where `*` is any run
 * of characters and `?` one character (whole name). Anything else is refused with a hint.
 */
export function compileNamePattern(pattern: string): Compiled<RegExp> {
  const slashed = SLASHED.exec(pattern);
  if (slashed) {
    if ((slashed[1] ?? '') === '') return { ok: false, message: 'is an empty regular expression' };
    return compileRegex(slashed[1] ?? '', slashed[2] ?? '');
  }
  if (pattern === '') return { ok: false, message: 'must not be empty' };
  if (!GLOB.test(pattern)) {
    const glob = pattern.replace(/\.\*|\.\+/g, '*').replace(/[^A-Za-z0-9_:*?]/g, '');
    return {
      ok: false,
      message: `is not a glob (letters, digits, _, :, * and ? only); write a regex between slashes like /${pattern}/${glob && glob !== pattern ? ` or the glob ${glob}` : ''}`,
    };
  }
  const body = pattern.replace(/[*?]/g, (c) => (c === '*' ? '.*' : '.'));
  return { ok: true, value: new RegExp(`^${body}$`) };
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A label condition; several names mean "any of these labels" (Sloth and Pyrra differ). */
export interface LabelCondition {
  name: string | string[];
  op: MatchOp;
  value: string;
}

/** A label condition compiled once; absent labels read as "" as in Prometheus. */
export function compileLabelMatcher(
  condition: LabelCondition,
): Compiled<(labels: Record<string, string>) => boolean> {
  const names = Array.isArray(condition.name) ? condition.name : [condition.name];
  const { op, value } = condition;
  let test: (actual: string) => boolean;
  if (op === '=~' || op === '!~') {
    // Prometheus and Alertmanager anchor label regexes: `=~"5.."` matches all of the value.
    const re = compileRegex(value, '', true);
    if (!re.ok) return re;
    test = (actual) => re.value.test(actual) === (op === '=~');
  } else {
    test = (actual) => (actual === value) === (op === '=');
  }
  const positive = op === '=' || op === '=~';
  return {
    ok: true,
    value: (labels) =>
      positive
        ? names.some((n) => test(labels[n] ?? ''))
        : names.every((n) => test(labels[n] ?? '')),
  };
}

/** `slo=~".*latency.*"`, for reasons a person reads. */
export function formatLabelCondition(condition: LabelCondition): string {
  const name = Array.isArray(condition.name) ? condition.name.join('|') : condition.name;
  return `${name}${condition.op}${JSON.stringify(condition.value)}`;
}
