import { AlertmanagerWebhook } from './schema.ts';

export type ParsedWebhook =
  | { ok: true; webhook: AlertmanagerWebhook }
  | { ok: false; problems: string[] };

/**
 * Reads an Alertmanager webhook body. A bad body gives every problem at once, each naming the
 * field (`alerts.0.fingerprint: is required`), so the 400 answer says what to fix.
 */
export function parseAlertmanagerWebhook(rawBody: string | Uint8Array): ParsedWebhook {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [`body is not JSON (${reason})`] };
  }
  const parsed = AlertmanagerWebhook.safeParse(json);
  if (parsed.success) return { ok: true, webhook: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return `${where}: ${missing ? 'is required' : issue.message}`;
  });
  return { ok: false, problems };
}
