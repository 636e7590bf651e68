import { didYouMean, suggest } from '../../util/suggest.ts';
import type { Catalog, CommandSpec, Flag, Grammar } from '../catalog/schema.ts';
import { placeholder } from './usage.ts';

/**
 * Help as neutral text (backticks for names, no Slack blocks): the list of verbs with their
 * summaries, or one verb's usage, arguments, flags and examples. An unknown verb gets the
 * list, headed by the closest match.
 */
export function renderHelp(
  commands: Map<string, CommandSpec>,
  verb?: string,
  catalog?: Catalog,
): string {
  const spec = verb ? commands.get(verb.toLowerCase()) : undefined;
  if (spec) return verbHelp(spec, catalog);
  const width = Math.max(0, ...[...commands.keys()].map((k) => k.length));
  const lines = [...commands.values()].map(
    (c) => `\`${c.verb}\`${' '.repeat(width - c.verb.length)}  ${c.summary}`,
  );
  const head = verb
    ? [`Unknown command \`${verb}\`.${didYouMean(suggest(verb, commands.keys()))}`, '']
    : [];
  return [
    ...head,
    'Usage: `/mc <command> [arguments] [--flags]`',
    '',
    ...lines,
    '',
    'Type `/mc help <command>` for its arguments, flags and examples.',
  ].join('\n');
}

function verbHelp(spec: CommandSpec, catalog?: Catalog): string {
  const out = [`\`/mc ${spec.verb}\`: ${spec.summary}`];
  if (spec.description) out.push('', spec.description.trim());
  out.push(...grammarHelp(spec, catalog));
  for (const sub of spec.subcommands) {
    out.push('', `\`/mc ${spec.verb} ${sub.name}\`: ${sub.summary}`);
    if (sub.description) out.push(sub.description.trim());
    out.push(...grammarHelp(sub, catalog));
  }
  return out.join('\n');
}

function grammarHelp(g: Grammar, catalog?: Catalog): string[] {
  const out = ['', `Usage: \`${g.usage}\``];
  if (g.arguments.length > 0) {
    out.push('', 'Arguments:');
    for (const a of g.arguments) {
      const name = a.required ? `<${a.name}>` : `[${a.name}]`;
      const values = a.values ? ` One of: ${a.values.join(', ')}.` : '';
      out.push(`  \`${name}\`  ${a.description}${values}`);
    }
  }
  if (g.flags.length > 0) {
    out.push('', 'Flags:');
    for (const f of g.flags)
      out.push(`  \`${flagForm(f, g)}\`  ${f.description}${flagNotes(f, catalog)}`);
  }
  if (g.examples.length > 0) {
    out.push('', 'Examples:', ...g.examples.map((e) => `  \`${e}\``));
  }
  return out;
}

function flagForm(flag: Flag, g: Grammar): string {
  return flag.type === 'boolean' ? `--${flag.name}` : `--${flag.name} ${placeholder(flag, g)}`;
}

function flagNotes(flag: Flag, catalog?: Catalog): string {
  const notes: string[] = [];
  if (flag.values) notes.push(`one of: ${flag.values.join(', ')}`);
  if (flag.default !== undefined) notes.push(`default: ${flag.default}`);
  else if (flag.type === 'environment') {
    notes.push(`default: ${catalog?.defaults.environment ?? "the catalog's default environment"}`);
  }
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}
