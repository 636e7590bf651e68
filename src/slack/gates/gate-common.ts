import type { GateService } from '../../gates/gate-service.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { SlackWebClient } from '../web-client.ts';
import type { GateMessages } from './gate-publisher.ts';

/** What the Slack side of gates needs: the service, the one gate message per evaluation. */
export interface GateEdgeDeps {
  service: GateService;
  messages: GateMessages;
  client: SlackWebClient;
  log: Logger;
}
