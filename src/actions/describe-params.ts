import { z } from 'zod';

/** One parameter of an action, for help text and the README table. */
export interface ParamInfo {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'value'}[]`;
  if (schema.type === 'object' && schema.properties) {
    const required = new Set(schema.required ?? []);
    const fields = Object.keys(schema.properties).map((k) => (required.has(k) ? k : `${k}?`));
    return `{ ${fields.join(', ')} }`;
  }
  if (schema.type === 'integer') return 'integer';
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'value');
}

/** The fields of a params schema (as callers write them: input side, before transforms). */
export function describeParams(params: z.ZodType): ParamInfo[] {
  const schema = z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeOf(field),
    required: required.has(name) && field.default === undefined,
    description: field.description ?? '',
  }));
}
