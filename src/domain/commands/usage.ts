import type { CommandSpec, Flag, Grammar } from '../catalog/schema.ts';

/** The one-line usage for any command: lists the verbs. */
export function generalUsage(commands: Map<string, CommandSpec>): string {
  return `/mc <${[...commands.keys()].join('|')}> [arguments] [--flags]`;
}

/** The usage shown with an error: the grammar's own line, plus subcommand forms for a verb. */
export function usageFor(spec: CommandSpec, grammar: Grammar): string {
  if (grammar !== spec) return grammar.usage;
  return [spec.usage, ...spec.subcommands.map((s) => s.usage)].join('\n');
}

/** How the usage line names a flag's value (`--to REVISION` → `REVISION`); falls back to the name. */
export function placeholder(flag: Flag, grammar: Grammar): string {
  const escaped = flag.name.replace(/[-]/g, '\\-');
  const found = new RegExp(`--${escaped}[ =]([A-Z][A-Z0-9_-]*)`).exec(grammar.usage)?.[1];
  return found ?? flag.name.toUpperCase();
}

/** A parse error as plain lines for a terminal: the problem, then each usage form. */
export function formatParseError(error: { message: string; usage?: string }): string {
  const usage = (error.usage ?? '').split('\n').filter(Boolean);
  return [
    error.message,
    ...usage.map((line, i) => `${i === 0 ? 'Usage:' : '   or:'} ${line}`),
  ].join('\n');
}
