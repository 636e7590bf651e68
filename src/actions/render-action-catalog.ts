import { createBuiltinActionRegistry } from './builtin-actions.ts';
import type { ActionInfo } from './registry.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function params(info: ActionInfo): string {
  return info.params
    .map((p) => {
      const about = p.description ? `: ${cell(p.description)}` : '';
      return `\`${p.name}${p.required ? '' : '?'}\` (${cell(p.type)})${about}`;
    })
    .join('<br>');
}

/** Rows padded to equal column widths, as Biome formats Markdown tables. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The action catalog as a Markdown table, for the README (a test keeps them in step). */
export function renderActionCatalogMarkdown(
  actions: ActionInfo[] = createBuiltinActionRegistry().listActions(),
): string {
  const rows = actions.map((a) => [
    `\`${a.name}\``,
    cell(a.summary),
    params(a),
    a.reversible ? 'yes' : `no: ${cell(a.irreversible ?? '')}`,
  ]);
  return table(['Action', 'What it does', 'Params', 'Reversible'], rows);
}
