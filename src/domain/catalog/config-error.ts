import type { z } from 'zod';
import { suggest } from '../../util/suggest.ts';
import { asArray, asRecord } from '../commands/loose.ts';

/** One problem in one config file: `path` is dotted (`services.checkout.slo.0.query`). */
export interface ConfigError {
  file: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** Path of an error that concerns the whole file (missing, unreadable, misnamed). */
export const FILE_PATH = '(file)';
/** Path of a YAML syntax error: it has a line, not a data path. */
export const SYNTAX_PATH = '(syntax)';

/** Lines of `file: path: message`, with the line number when known. */
export function formatConfigErrors(errors: ConfigError[]): string {
  return errors
    .map((e) => {
      const where = e.line ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : '';
      return `${e.file}: ${e.path}: ${e.message}${where}`;
    })
    .join('\n');
}

/** Every object key the schema knows anywhere: what an unknown key is compared against. */
export function schemaKeys(schema: z.ZodType): string[] {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    const def = asRecord(asRecord(node).def);
    if (seen.has(node) || !def.type) return;
    seen.add(node);
    for (const key of Object.keys(asRecord(def.shape))) keys.add(key);
    for (const child of Object.values(asRecord(def.shape))) walk(child);
    for (const child of [def.element, def.valueType, def.innerType, def.in, def.out]) walk(child);
    for (const child of asArray(def.options)) walk(child);
  };
  walk(schema);
  return [...keys];
}

/** Turns zod issues into config errors a person can act on, one per unknown key. */
export function issuesToErrors(
  issues: z.core.$ZodIssue[],
  file: string,
  known: string[],
  lineOf: (path: PropertyKey[]) => number | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const push = (path: PropertyKey[], message: string) => {
    const line = lineOf(path);
    errors.push({
      file,
      path: path.map(String).join('.') || '(root)',
      message,
      ...(line ? { line } : {}),
    });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const close = suggest(key, known);
        // A key the schema knows elsewhere (e.g. `required` on a flag) is misplaced, not misspelt.
        const hint =
          close === key ? '; it is not allowed here' : close ? `; did you mean "${close}"?` : '';
        push([...issue.path, key], `unknown key${hint}`);
      }
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      push(issue.path, `is required (${issue.expected})`);
    } else if (issue.code === 'invalid_type') {
      push(issue.path, `must be ${issue.expected}, not ${describe(issue.input)}`);
    } else if (issue.code === 'invalid_value') {
      const got = issue.input === undefined ? '' : `, not ${JSON.stringify(issue.input)}`;
      push(
        issue.path,
        `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`,
      );
    } else if (issue.code === 'invalid_union') {
      push(issue.path, unionMessage(issue));
    } else {
      push(issue.path, issue.message);
    }
  }
  return errors;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string {
  // `requesters: anyone | [roles]` is the one union in our schemas; say what both branches want.
  const first = issue.errors.flat()[0];
  if (first?.code === 'invalid_value') {
    return `must be ${first.values.map((v) => JSON.stringify(v)).join(' or ')} or a list of roles`;
  }
  return first ? first.message : issue.message;
}
