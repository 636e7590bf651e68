import { suggest } from '../../util/suggest.ts';

// `{{ service }}`-style placeholders in playbook step params, confirmation queries and
// evidence. No logic, no filters: a placeholder is replaced by a value from the incident.

/** Variables every incident may provide; `labels.<name>` and `annotations.<name>` also work. */
export const TEMPLATE_VARIABLES = [
  'service',
  'env',
  'incident.id',
  'incident.startedAt',
  'alert.name',
  'alert.severity',
  'alert.fingerprint',
  'deploy.from',
  'deploy.to',
  'deploy.by',
  'deploy.at',
  'pagerduty.id',
  'pagerduty.number',
  'pagerduty.url',
  'pagerduty.title',
] as const;
const PREFIXES = ['labels.', 'annotations.'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const PLACEHOLDER = /\{\{(.*?)\}\}/gs;

/** Where a template value comes from: a variable name → its value, undefined when absent. */
export type Lookup = (name: string) => string | undefined;

/** Whether `name` is a variable an incident can fill. */
export function isKnownVariable(name: string): boolean {
  return (
    (TEMPLATE_VARIABLES as readonly string[]).includes(name) ||
    PREFIXES.some(
      (p) => name.startsWith(p) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name.slice(p.length)),
    )
  );
}

/** What drills and release gates fill in: the target, never an incident's fields. */
export const TARGET_VARIABLES = ['service', 'env'] as const;

/**
 * Every problem in one templated string: unclosed braces, malformed or unknown variables.
 * `only`: the variables this kind of playbook fills (default: what an incident provides).
 */
export function templateProblems(text: string, only?: readonly string[]): string[] {
  const problems: string[] = [];
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    problems.push(`has an unclosed placeholder; write {{ variable }}`);
  }
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    if (!NAME.test(name)) {
      problems.push(`has a malformed placeholder "${match[0]}"; write {{ variable }}`);
    } else if (only && !only.includes(name)) {
      const close = suggest(name, [...only]);
      problems.push(
        `unknown template variable "${name}"; only ${only.join(', ')} are filled in here${close ? `. Did you mean "${close}"?` : ''}`,
      );
    } else if (!only && !isKnownVariable(name)) {
      const close = suggest(name, TEMPLATE_VARIABLES);
      problems.push(
        `unknown template variable "${name}"; known: ${TEMPLATE_VARIABLES.join(', ')}, labels.<name>, annotations.<name>${close ? `. Did you mean "${close}"?` : ''}`,
      );
    }
  }
  return problems;
}

/** Replaces each placeholder; names with no value are listed in `missing` and left empty. */
export function renderTemplate(text: string, lookup: Lookup): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (_, inner: string) => {
    const name = inner.trim();
    const value = lookup(name);
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { text: out, missing };
}

/** Renders every string inside a JSON-like value (step params), keeping its shape. */
export function renderDeep(value: unknown, lookup: Lookup): { value: unknown; missing: string[] } {
  const missing: string[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const rendered = renderTemplate(node, lookup);
      missing.push(...rendered.missing);
      return rendered.text;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return { value: walk(value), missing: [...new Set(missing)] };
}

/** Calls `visit` with each string inside a JSON-like value and its path, for load-time checks. */
export function eachString(
  value: unknown,
  visit: (text: string, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) eachString(v, visit, [...path, i]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) eachString(v, visit, [...path, k]);
  }
}
