import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { type ConfigError, FILE_PATH, SYNTAX_PATH } from './config-error.ts';

/** A parsed YAML file: its data, its syntax errors, and where a data path sits in the text. */
export interface YamlFile {
  data: unknown;
  errors: ConfigError[];
  lineOf(path: PropertyKey[]): number | undefined;
}

/**
 * Reads and parses one YAML file. Syntax errors come back with their line and column; a
 * file that cannot be read comes back as one error. Never throws.
 */
export async function readYaml(absolute: string, file: string): Promise<YamlFile> {
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
  const lineOf = (path: PropertyKey[]) => {
    for (let k = path.length; k >= 0; k--) {
      const keys = path.slice(0, k).map((p) => (typeof p === 'symbol' ? String(p) : p));
      const node = k === 0 ? doc.contents : doc.getIn(keys, true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (errors.length > 0) return { data: undefined, errors, lineOf };
  try {
    return { data: doc.toJS({ maxAliasCount: 1000 }), errors, lineOf };
  } catch (error) {
    // Alias bombs and cyclic aliases surface here rather than as parse errors.
    const message = error instanceof Error ? error.message : String(error);
    return { data: undefined, errors: [{ file, path: SYNTAX_PATH, message }], lineOf };
  }
}
