import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { CallArgs } from './emulator-types.ts';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

// The Web API client form-encodes objects as JSON strings; these fields carry such objects.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls']);

/** Reads a request body up to a limit; rejects beyond it. */
export async function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error(`body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export type ParsedBody = { ok: true; args: CallArgs } | { ok: false; error: string };

/** Decodes a Web API request body the way Slack accepts it: form-encoded or JSON. */
export function parseApiBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (type === 'application/json') {
    if (text.trim() === '') return { ok: true, args: {} };
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { ok: false, error: 'invalid_json' };
      }
      return { ok: true, args: value as CallArgs };
    } catch {
      return { ok: false, error: 'invalid_json' };
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    const args: CallArgs = {};
    for (const [key, value] of Object.entries(parseQuery(text))) {
      const single = Array.isArray(value) ? value[0] : value;
      args[key] =
        JSON_FIELDS.has(key) && typeof single === 'string' ? parseJsonField(single) : single;
    }
    return { ok: true, args };
  }
  return { ok: false, error: 'invalid_form_data' };
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
