import { format } from 'node:util';
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../telemetry/logger.ts';

/**
 * Bolt's and the Web API client's logger interface over our pino logger, so their lines are
 * JSON, redacted and scrubbed like ours. Bolt's chatty info lines go to debug.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const line = (args: unknown[]) => format(...args);
  // Bolt and the Web API client log several debug lines per request: format only when kept.
  const debug = (args: unknown[]) => {
    if (child.isLevelEnabled('debug')) child.debug(line(args));
  };
  return {
    debug: (...args: unknown[]) => debug(args),
    info: (...args: unknown[]) => debug(args),
    warn: (...args: unknown[]) => child.warn(line(args)),
    error: (...args: unknown[]) => child.error(line(args)),
    setLevel: () => {},
    getLevel: () => (child.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.WARN),
    setName: () => {},
  };
}
