import { renderStatus } from '../render/status.ts';
import type { CommandOutcome, CommandRequest } from './types.ts';

// The parser fills --env with the catalog default; status lists every environment unless
// the user named one.
const ENV_GIVEN = /(^|\s)(--env(\s|=)|env=)/i;

/**
 * `/mc status [service] [--env ENV] [--show VIEW]`: what the catalog says runs where. Live
 * images, pods, SLO values and runs need the adapters of later releases, and the reply says so.
 */
export async function statusCommand(request: CommandRequest): Promise<CommandOutcome> {
  const { command, config } = request;
  const show = typeof command.flags.show === 'string' ? command.flags.show : 'summary';
  await request.respond(
    renderStatus(config.catalog, {
      service: command.service,
      env: ENV_GIVEN.test(command.raw) ? command.env : undefined,
      show,
    }),
  );
  return 'ok';
}
