/** One label matcher, shaped as Alertmanager's API takes it (`isEqual: false` negates). */
export interface LabelMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

const PAIR = /\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

/**
 * `{service="checkout", env=~"prod|staging"}` (the catalog's `prometheus.selector`) as
 * matchers. Throws on text the catalog schema would not have accepted.
 */
export function parseSelector(selector: string): LabelMatcher[] {
  const inner = selector.trim().replace(/^\{/, '').replace(/\}$/, '');
  const matchers: LabelMatcher[] = [];
  PAIR.lastIndex = 0;
  while (PAIR.lastIndex < inner.length) {
    const at = PAIR.lastIndex;
    const m = PAIR.exec(inner);
    if (!m) {
      if (inner.slice(at).trim() === '') break;
      throw new Error(`cannot read the label selector ${selector} at "${inner.slice(at)}"`);
    }
    const op = m[2] ?? '=';
    matchers.push({
      name: m[1] ?? '',
      value: (m[3] ?? '').replace(/\\(.)/g, '$1'),
      isRegex: op.endsWith('~'),
      isEqual: !op.startsWith('!'),
    });
  }
  return matchers;
}

/** Whether labels satisfy every matcher; regexes are anchored, as Prometheus anchors them. */
export function matchesLabels(labels: Record<string, string>, matchers: LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(value) : value === m.value;
    return hit === m.isEqual;
  });
}
