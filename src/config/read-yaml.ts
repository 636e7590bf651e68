import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import { type ConfigError, FILE_PATH, SYNTAX_PATH } from './config-error.ts';
import { readCachedYaml, writeCachedYaml } from './yaml-cache.ts';

// The yaml package (CommonJS, ~10 MiB once loaded) is required only when a file is parsed: a
// start whose files all come from the cache never loads it.
const require = createRequire(import.meta.url);
const loadYaml = () => require('yaml') as typeof import('yaml');

/** A parsed YAML file: its data, its syntax errors, and where a data path sits in the text. */
export interface YamlFile {
  data: unknown;
  errors: ConfigError[];
  lineOf(path: PropertyKey[]): number | undefined;
}

/** Where a data path sits in the text: the line of the deepest node that exists on the path. */
function lineFinder(doc: Document.Parsed, lineCounter: LineCounter) {
  const { isNode } = loadYaml();
  return (path: PropertyKey[]) => {
    for (let k = path.length; k >= 0; k--) {
      const keys = path.slice(0, k).map((p) => (typeof p === 'symbol' ? String(p) : p));
      const node = k === 0 ? doc.contents : doc.getIn(keys, true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/**
 * Reads and parses one YAML file. Syntax errors come back with their line and column; a
 * file that cannot be read comes back as one error. Never throws. With `cacheDir`, a file
 * parsed before from the same bytes is read from its cached data (see yaml-cache.ts), and its
 * text is parsed again only if a line is asked for.
 */
export async function readYaml(
  absolute: string,
  file: string,
  cacheDir?: string,
): Promise<YamlFile> {
  let source: string;
  try {
    source = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read: ${String(error)}`;
    return {
      data: undefined,
      errors: [{ file, path: FILE_PATH, message }],
      lineOf: () => undefined,
    };
  }
  const cached = cacheDir === undefined ? undefined : readCachedYaml(cacheDir, absolute, source);
  if (cached !== undefined) {
    let find: YamlFile['lineOf'] | undefined;
    const lineOf = (path: PropertyKey[]) => {
      if (!find) {
        const { LineCounter, parseDocument } = loadYaml();
        const lines = new LineCounter();
        find = lineFinder(parseDocument(source, { lineCounter: lines }), lines);
      }
      return find(path);
    };
    return { data: cached, errors: [], lineOf };
  }
  const { LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true });
  const errors: ConfigError[] = doc.errors.map((e) => {
    const at = e.linePos?.[0];
    return {
      file,
      path: SYNTAX_PATH,
      // prettyErrors appends " at line L, column C:" and a code excerpt; keep the sentence.
      message: e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.code,
      ...(at ? { line: at.line, column: at.col } : {}),
    };
  });
  const lineOf = lineFinder(doc, lineCounter);
  if (errors.length > 0) return { data: undefined, errors, lineOf };
  try {
    const data: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (cacheDir !== undefined) writeCachedYaml(cacheDir, absolute, source, data);
    return { data, errors, lineOf };
  } catch (error) {
    // Alias bombs and cyclic aliases surface here rather than as parse errors.
    const message = error instanceof Error ? error.message : String(error);
    return { data: undefined, errors: [{ file, path: SYNTAX_PATH, message }], lineOf };
  }
}
