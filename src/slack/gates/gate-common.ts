import type { GateService } from '../../gates/gate-service.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { ActionRequest } from '../listeners/action-listener.ts';
import { reply, section } from '../render/blocks.ts';
import type { SlackWebClient } from '../web-client.ts';
import type { GateMessages } from './gate-publisher.ts';

/** What the Slack side of gates needs: the service, the one gate message per evaluation. */
export interface GateEdgeDeps {
  service: GateService;
  messages: GateMessages;
  client: SlackWebClient;
  log: Logger;
}

/** Answers only the person who typed or clicked. */
export const tell = (request: Pick<ActionRequest, 'respond'>, text: string) =>
  request.respond(reply(text, [section(text)]));
