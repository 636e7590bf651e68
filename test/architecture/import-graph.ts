import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Repository root. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** One source file and what it imports: repo paths of our modules, names of packages. */
export interface SourceFile {
  /** `src/gates/gate-service.ts`. */
  file: string;
  /** Our modules it imports, as repo paths (type-only imports included). */
  local: string[];
  /** Packages it imports (`@slack/bolt`, `node:fs`). */
  packages: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every `.ts` file under `src/` with its imports, read by TypeScript's own pre-processor. */
export function readImports(root = REPO): SourceFile[] {
  return walk(path.join(root, 'src')).map((full) => {
    const info = ts.preProcessFile(readFileSync(full, 'utf8'), true, true);
    const specs = info.importedFiles.map((i) => i.fileName);
    const file = path.relative(root, full);
    return {
      file,
      local: specs
        .filter((s) => s.startsWith('.'))
        .map((s) => path.relative(root, path.resolve(path.dirname(full), s))),
      packages: specs.filter((s) => !s.startsWith('.')),
    };
  });
}

/** The folder right under `src/` a file belongs to (`gates`), or `.` for `src/*.ts`. */
export function topFolder(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? (parts[1] ?? '.') : '.';
}

/** Strongly connected groups of more than one node (each is an import circle). */
export function circles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  function visit(node: string): void {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The import graph between files (or, with `group`, between the groups files fall in). */
export function importGraph(
  files: SourceFile[],
  group: (file: string) => string | undefined = (f) => f,
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const source of files) {
    const from = group(source.file);
    if (from === undefined) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of source.local) {
      const to = group(target);
      if (to !== undefined && to !== from) edges.add(to);
    }
  }
  return graph;
}
