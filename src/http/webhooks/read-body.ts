import type { IncomingMessage } from 'node:http';

/** The raw body, or why there is none: over the limit, or the client went away. */
export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads a request body of at most limitBytes, declared (Content-Length) or streamed (chunked).
 * Past the limit the rest is read and dropped, so the client sees our 413 rather than a reset;
 * past four times the limit the socket is destroyed, so an endless body cannot hold the server.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const cap = limitBytes * 4;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (declared > cap) {
      req.socket.destroy();
      return { ok: false, reason: 'too_large' };
    }
    const keep = declared <= limitBytes;
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > cap) {
        req.socket.destroy();
        return { ok: false, reason: 'too_large' };
      }
      if (keep && size <= limitBytes) chunks.push(buf);
    }
  } catch {
    return { ok: false, reason: 'aborted' };
  }
  if (size > limitBytes || declared > limitBytes) return { ok: false, reason: 'too_large' };
  return { ok: true, body: Buffer.concat(chunks) };
}

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  const mime = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}
