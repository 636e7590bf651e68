import { badRequest } from './errors.ts';
import type { LabelSelector, LabelSelectorRequirement } from './types.ts';

type Labels = Record<string, string> | undefined;

function matchesRequirement(labels: Labels, req: LabelSelectorRequirement): boolean {
  const value = labels?.[req.key];
  switch (req.operator) {
    case 'In':
      return value !== undefined && (req.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(req.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** Whether labels satisfy a structured selector; an empty selector matches everything. */
export function matchesSelector(labels: Labels, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  const equal = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
  return equal && (selector.matchExpressions ?? []).every((req) => matchesRequirement(labels, req));
}

/** Splits on commas that are not inside a `(a,b)` value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string): LabelSelectorRequirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set?.[1] && set[2] && set[3] !== undefined) {
    const values = set[3].split(',').map((v) => v.trim());
    return { key: set[1], operator: set[2] === 'in' ? 'In' : 'NotIn', values };
  }
  const compare = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
  if (compare?.[1] && compare[2] && compare[3] !== undefined) {
    return {
      key: compare[1],
      operator: compare[2] === '!=' ? 'NotIn' : 'In',
      values: [compare[3]],
    };
  }
  const exists = /^(!?)([^\s!=(),]+)$/.exec(term);
  if (exists?.[2]) return { key: exists[2], operator: exists[1] ? 'DoesNotExist' : 'Exists' };
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

/** Parses a `labelSelector` query string (`app=web,tier!=db,env in (a,b),!legacy`). */
export function parseSelector(text: string): LabelSelector {
  return { matchExpressions: splitTerms(text).map(parseTerm) };
}

/** Renders a structured selector the way Scale.status.selector shows it. */
export function selectorString(selector: LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector?.matchExpressions ?? []) {
    const values = (req.values ?? []).join(',');
    if (req.operator === 'In') terms.push(`${req.key} in (${values})`);
    if (req.operator === 'NotIn') terms.push(`${req.key} notin (${values})`);
    if (req.operator === 'Exists') terms.push(req.key);
    if (req.operator === 'DoesNotExist') terms.push(`!${req.key}`);
  }
  return terms.join(',');
}
