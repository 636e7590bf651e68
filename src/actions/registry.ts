import type { z } from 'zod';
import { unknownName } from '../domain/catalog/schema.ts';
import { suggest } from '../util/suggest.ts';
import { ActionError } from './action-error.ts';
import { describeParams, type ParamInfo } from './describe-params.ts';
import type { Action } from './types.ts';

/** What a person (or the README) needs to know about an action. */
export interface ActionInfo {
  name: string;
  summary: string;
  reversible: boolean;
  irreversible?: string;
  params: ParamInfo[];
}

export type ParamsCheck = { ok: true; params: unknown } | { ok: false; errors: string[] };

export interface ActionRegistry {
  /** The action, or an ActionError naming the known ones (with a did-you-mean). */
  get(name: string): Action;
  has(name: string): boolean;
  names(): string[];
  /** Parses params against the action's schema; errors read `path: message`. */
  validateParams(name: string, params: unknown): ParamsCheck;
  listActions(): ActionInfo[];
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function readable(issue: z.core.$ZodIssue, input: unknown, known: string[]): string[] {
  const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const close = suggest(key, known);
      return `${where}unknown parameter "${key}"; known: ${known.join(', ')}${close ? `. Did you mean "${close}"?` : ''}`;
    });
  }
  const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined;
  if (missing && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return [`${where}is required`];
  }
  return [`${where}${issue.message}`];
}

/** Indexes actions by name; two actions with one name is a programming error. */
export function createActionRegistry(actions: readonly Action[]): ActionRegistry {
  const byName = new Map<string, Action>();
  for (const action of actions) {
    if (byName.has(action.name)) throw new Error(`two actions are named ${action.name}`);
    byName.set(action.name, action);
  }
  const names = () => [...byName.keys()].sort();
  const get = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new ActionError('unknown_action', unknownName('action', name, names()));
    return found;
  };
  return {
    get,
    has: (name) => byName.has(name),
    names,
    validateParams(name, params) {
      if (!byName.has(name)) return { ok: false, errors: [unknownName('action', name, names())] };
      const action = get(name);
      const parsed = action.params.safeParse(params ?? {});
      if (parsed.success) return { ok: true, params: parsed.data };
      const known = describeParams(action.params).map((p) => p.name);
      return { ok: false, errors: parsed.error.issues.flatMap((i) => readable(i, params, known)) };
    },
    listActions: () =>
      names().map((name) => {
        const a = get(name);
        return {
          name,
          summary: a.summary,
          reversible: a.reversible,
          ...(a.irreversible ? { irreversible: a.irreversible } : {}),
          params: describeParams(a.params),
        };
      }),
  };
}
