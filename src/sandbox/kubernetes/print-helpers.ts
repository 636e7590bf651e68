import { humanDuration } from './human-duration.ts';
import { isObject } from './json.ts';
import type { KubeObject } from './types.ts';

/** One column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  /** 0 is shown by `kubectl get`; 1 only with `-o wide`. */
  priority: number;
}

export type Cell = string | number | null;

export interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): Cell[];
}

/** One column definition; Name gets format `name` as the API server marks it. */
export function col(name: string, type: Column['type'], description: string, priority = 0): Column {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

export const NAME = col('Name', 'string', 'Name must be unique within a namespace.');
export const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
export const WORKLOAD_WIDE = [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', 'Label selector for pods.', 1),
];

export type Loose = Record<string, unknown>;
/** An object field, or an empty object when absent. */
export const block = (value: unknown): Loose => (isObject(value) ? value : {});
/** A number field, 0 when absent (Go's omitempty zero). */
export const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** AGE as the API server prints it, on the emulated clock. */
export function age(obj: KubeObject, now: number): string {
  return humanDuration(now - Date.parse(obj.metadata.creationTimestamp));
}
