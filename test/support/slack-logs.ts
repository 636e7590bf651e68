import { createLogger, type Logger } from '../../src/telemetry/logger.ts';

/** A real pino logger whose lines the test reads back, parsed and raw. */
export function captureLogs(options: { level?: string; secrets?: string[] } = {}) {
  const raw: string[] = [];
  const log: Logger = createLogger({
    level: options.level ?? 'debug',
    secrets: options.secrets ?? [],
    destination: { write: (line: string) => void raw.push(line) },
  });
  return {
    log,
    /** Every line exactly as it would reach stdout. */
    text: () => raw.join(''),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    find: (msg: string) =>
      raw.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === msg),
  };
}
