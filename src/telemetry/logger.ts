import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a log object. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'headers["x-pagerduty-signature"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'env.SLACK_BOT_TOKEN',
  'env.SLACK_SIGNING_SECRET',
  'env.SLACK_APP_TOKEN',
  'env.PAGERDUTY_TOKEN',
  'env.PAGERDUTY_WEBHOOK_SECRET',
  'env.ALERTMANAGER_WEBHOOK_TOKEN',
  'env.DATABASE_URL',
];

// Tokens that leak through free text (error messages, URLs) rather than known keys.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/xox[abposr]-[A-Za-z0-9-]+/g, '[REDACTED]'],
  [/xapp-[A-Za-z0-9-]+/g, '[REDACTED]'],
  [/\b(Bearer|Token token=)\s*[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/gi, '$1[REDACTED]@'],
];

/** Masks token-shaped substrings in a string. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement),
    text,
  );
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; tests pass a stream to read them back. Default stdout. */
  destination?: DestinationStream;
  /** Extra strings (configured secrets) that must never appear in a line. */
  secrets?: string[];
}

/** JSON logger with redaction of known secret fields and of token-shaped text. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (text: string) => {
    let out = scrubSecrets(text);
    for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
    return out;
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'mc' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Last line of defence: scrub the serialized line for token shapes and configured secrets.
        streamWrite: scrub,
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
