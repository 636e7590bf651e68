import { didYouMean, suggest } from '../../util/suggest.ts';
import type { CommandSpec, Grammar } from '../catalog/schema.ts';
import { checkServiceEnv, type ParseContext, resolveValue } from './resolve-value.ts';
import { scanFlags } from './scan-flags.ts';
import { type Token, tokenize } from './tokenize.ts';
import { generalUsage, usageFor } from './usage.ts';

export type { ParseContext } from './resolve-value.ts';

/**
 * A valid `/mc` command. `args` holds positionals by argument name; `flags` holds every flag
 * the grammar declares that was given or has a default, converted (int → number, duration →
 * seconds, boolean → boolean). `env` is the environment flag, defaulted from the catalog.
 */
export interface ParsedCommand {
  verb: string;
  subcommand?: string;
  args: Record<string, string>;
  flags: Record<string, string | number | boolean>;
  service?: string;
  env?: string;
  incident?: string;
  raw: string;
}

/**
 * What went wrong, for a person: `message` is the problem in Slack mrkdwn (with "Did you
 * mean" when a close match exists), `token` what they typed, `suggestion` the bare closest
 * name, `usage` the usage line(s) of the command (always set).
 */
export interface ParseError {
  message: string;
  token?: string;
  usage?: string;
  suggestion?: string;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: ParseError };

const HELP_FLAGS = new Set(['help', 'h']);

type Failure = { message: string; token?: string; suggestion?: string };

function fail(problem: Failure, usage: string): ParseResult {
  const error: ParseError = { message: problem.message, usage };
  if (problem.token !== undefined) error.token = problem.token;
  if (problem.suggestion !== undefined) error.suggestion = problem.suggestion;
  return { ok: false, error };
}

function help(raw: string, verb?: string): ParseResult {
  return { ok: true, command: { verb: 'help', args: verb ? { verb } : {}, flags: {}, raw } };
}

/**
 * Parses what a user typed after `/mc` against the command specs and the catalog. Total: any
 * string yields a result, never an exception. Empty input (or `--help`) asks for help.
 */
export function parseCommand(text: string, ctx: ParseContext): ParseResult {
  const lexed = tokenize(text);
  if (!lexed.ok) {
    const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    const spec = ctx.commands.get(first);
    return fail(
      { message: lexed.message },
      spec ? usageFor(spec, spec) : generalUsage(ctx.commands),
    );
  }
  let tokens = lexed.tokens;
  if (tokens[0]?.kind === 'word' && tokens[0].text.toLowerCase() === '/mc')
    tokens = tokens.slice(1);
  const first = tokens[0];
  if (!first) return help(text);
  if (first.kind === 'flag' && HELP_FLAGS.has((first.name ?? '').toLowerCase())) return help(text);
  if (first.kind !== 'word') {
    return fail(
      {
        message: `Start with a command, like \`/mc status\`, before \`${first.text}\`.`,
        token: first.text,
      },
      generalUsage(ctx.commands),
    );
  }
  const verb = first.text.toLowerCase();
  const spec = ctx.commands.get(verb);
  if (!spec) {
    const suggestion = suggest(first.text, ctx.commands.keys());
    return fail(
      {
        message: `Unknown command \`${first.text}\`.${didYouMean(suggestion)}`,
        token: first.text,
        ...(suggestion ? { suggestion } : {}),
      },
      generalUsage(ctx.commands),
    );
  }
  const rest = tokens.slice(1);
  if (rest.some((t) => t.kind === 'flag' && HELP_FLAGS.has((t.name ?? '').toLowerCase()))) {
    return help(text, verb);
  }
  const next = rest[0];
  const sub =
    next?.kind === 'word' && !next.quoted
      ? spec.subcommands.find((s) => s.name === next.text.toLowerCase())
      : undefined;
  const grammar: Grammar = sub ?? spec;
  const result = parseWith(spec, grammar, sub ? rest.slice(1) : rest, ctx);
  if (!result.ok) return fail(result.failure, usageFor(spec, grammar));
  return {
    ok: true,
    command: { verb, ...(sub ? { subcommand: sub.name } : {}), ...result.parts, raw: text },
  };
}

type Parts = Omit<ParsedCommand, 'verb' | 'subcommand' | 'raw'>;

function parseWith(
  spec: CommandSpec,
  grammar: Grammar,
  tokens: Token[],
  ctx: ParseContext,
): { ok: true; parts: Parts } | { ok: false; failure: Failure } {
  const scanned = scanFlags(grammar, tokens);
  if (!scanned.ok) return scanned;
  const parts: Parts = { args: {}, flags: {} };
  const takesEnv = grammar.flags.some((f) => f.type === 'environment');
  for (const [k, token] of scanned.positionals.entries()) {
    const arg = grammar.arguments[k];
    if (!arg) {
      const isEnv = takesEnv && Object.hasOwn(ctx.catalog.environments, token.text.toLowerCase());
      const hint = isEnv ? ` Did you mean \`--env ${token.text.toLowerCase()}\`?` : '';
      return {
        ok: false,
        failure: {
          message: `Unexpected argument \`${token.text}\`: \`/mc ${spec.verb}\` takes ${countArgs(grammar)}.${hint}`,
          token: token.text,
          ...(isEnv ? { suggestion: `--env ${token.text.toLowerCase()}` } : {}),
        },
      };
    }
    const resolved = resolveValue(arg.type, token.text, `<${arg.name}>`, ctx, arg.values);
    if (!resolved.ok) return { ok: false, failure: { ...resolved, token: token.text } };
    parts.args[arg.name] = String(resolved.value);
    if (resolved.service && !parts.service) parts.service = resolved.service;
    if (resolved.incident) parts.incident = resolved.incident;
  }
  const missing = grammar.arguments.slice(scanned.positionals.length).find((a) => a.required);
  if (missing) {
    return {
      ok: false,
      failure: { message: `Missing \`<${missing.name}>\`: ${missing.description}` },
    };
  }
  for (const flag of grammar.flags) {
    const given = scanned.flags.get(flag.name);
    let text = given?.text;
    if (text === undefined && flag.default !== undefined) text = String(flag.default);
    if (text === undefined && flag.type === 'environment') text = ctx.catalog.defaults.environment;
    if (text === undefined) continue;
    const label = `--${flag.name}`;
    if (flag.type === 'environment' && parts.service) {
      const env =
        Object.keys(ctx.catalog.environments).find((e) => e === text?.toLowerCase()) ?? text;
      const problem = checkServiceEnv(parts.service, env, ctx, given === undefined);
      if (problem) return { ok: false, failure: { ...problem, token: text } };
      parts.flags[flag.name] = env;
    } else {
      const resolved = resolveValue(flag.type, text, label, ctx, flag.values);
      if (!resolved.ok) return { ok: false, failure: { ...resolved, token: text } };
      parts.flags[flag.name] = resolved.value;
      if (resolved.service && !parts.service) parts.service = resolved.service;
    }
    if (flag.type === 'environment' && parts.env === undefined)
      parts.env = String(parts.flags[flag.name]);
  }
  return { ok: true, parts };
}

function countArgs(grammar: Grammar): string {
  const names = grammar.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return names.length === 0 ? 'no arguments' : names.map((n) => `\`${n}\``).join(' ');
}
