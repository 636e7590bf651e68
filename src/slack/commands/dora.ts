import type { Catalog } from '../../config/schema.ts';
import { buildScorecard } from '../../dora/scorecard.ts';
import type { Queryable } from '../../store/db.ts';
import { renderDora } from '../render/dora.ts';
import type { CommandHandler } from './types.ts';

export interface DoraDeps {
  db: Queryable;
  clock: () => Date;
}

// The parser fills --env with the catalog default; dora covers every environment unless named.
const ENV_GIVEN = /(^|\s)(--env(\s|=)|env=)/i;
const DEFAULT_SINCE_SECONDS = 30 * 86_400;

/** Protected environments first (production leads), then the rest in catalog order. */
export function environmentOrder(catalog: Catalog): string[] {
  const entries = Object.entries(catalog.environments);
  return [
    ...entries.filter(([, e]) => e.protected),
    ...entries.filter(([, e]) => !e.protected),
  ].map(([name]) => name);
}

/**
 * `/mc dora [service] [--env E] [--since 30d]`: the four keys per environment with the trend
 * against the window before and the catalog's targets, to the requester only.
 */
export function createDoraCommand(deps: DoraDeps): CommandHandler {
  return async (request) => {
    const { command, config } = request;
    const since =
      typeof command.flags.since === 'number' ? command.flags.since : DEFAULT_SINCE_SECONDS;
    const until = deps.clock();
    const environments = environmentOrder(config.catalog);
    const card = await buildScorecard({
      db: deps.db,
      settings: config.catalog.dora,
      environments,
      production: environments[0] ?? 'prod',
      service: command.service,
      env: ENV_GIVEN.test(command.raw) ? command.env : undefined,
      since: new Date(until.getTime() - since * 1000),
      until,
    });
    await request.respond(renderDora(card));
    return 'ok';
  };
}
