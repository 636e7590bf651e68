/** Labels of one series, as Prometheus shows them. */
export type Labels = Record<string, string>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws a readable error for a name Prometheus would refuse to scrape. */
export function checkNames(name: string, labels: Labels): void {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
  for (const key of Object.keys(labels)) {
    if (!LABEL_NAME.test(key) || key.startsWith('__')) {
      throw new Error(`invalid label name ${JSON.stringify(key)} on ${name}`);
    }
  }
}

/** Stable identity of a series: name plus labels sorted by name. */
export function seriesKey(name: string, labels: Labels): string {
  return `${name}${formatLabels(labels)}`;
}

/** `{a="1",b="2"}` with label values escaped as the text format requires; '' without labels. */
export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  const pairs = keys.map((key) => `${key}="${escapeLabelValue(labels[key] ?? '')}"`);
  return `{${pairs.join(',')}}`;
}

/** A sample value in the text format (NaN, +Inf, -Inf spelled as Prometheus spells them). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
