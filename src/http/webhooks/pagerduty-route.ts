import { createHash } from 'node:crypto';
import {
  parsePagerDutyWebhook,
  verifyPagerDutySignature,
} from '../../adapters/pagerduty/verify-webhook.ts';
import { asyncRoute, type HttpRoute, type RouteRequest } from '../route.ts';
import { HANDLED_PAGERDUTY_EVENTS } from './consumer.ts';
import {
  beginIntake,
  type IntakeDeps,
  readJsonBody,
  reply,
  requester,
  storeDelivery,
  unconfiguredWarner,
} from './intake.ts';

export const PAGERDUTY_WEBHOOK_PATH = '/webhooks/pagerduty';

export interface PagerDutyRouteDeps extends IntakeDeps {
  /** PAGERDUTY_WEBHOOK_SECRET split on commas: any one verifies (rotation). Empty: 503. */
  secrets: string[];
  bodyLimitBytes: number;
}

/** Splits `PAGERDUTY_WEBHOOK_SECRET` into its secrets: comma-separated during a rotation. */
export function splitSecrets(setting: string | undefined): string[] {
  return (setting ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
}

// X-Webhook-Id is PagerDuty's delivery id (kept by redeliveries); event.id when it is missing.
function deliveryIdOf(req: RouteRequest, eventId: string): string {
  const header = req.headers['x-webhook-id'];
  const id = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!id) return `event:${eventId}`;
  return id.length <= 200 ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** POST /webhooks/pagerduty: size, signature, schema, event type, then the inbox. */
export function pagerdutyRoute(deps: PagerDutyRouteDeps): HttpRoute {
  const source = 'pagerduty';
  const warnUnconfigured = unconfiguredWarner(
    deps.log,
    'refusing PagerDuty webhooks with 503: set PAGERDUTY_WEBHOOK_SECRET to the signing secret of ' +
      'the webhook subscription (several, comma-separated, while rotating)',
  );
  const handler = asyncRoute(
    async (req, res) => {
      const intake = beginIntake(source, req, res);
      if (deps.secrets.length === 0) {
        warnUnconfigured();
        return reply(deps, intake, 503, 'unconfigured', {
          error: 'PagerDuty webhooks are not configured on this bot (PAGERDUTY_WEBHOOK_SECRET)',
        });
      }
      const body = await readJsonBody(deps, intake, deps.bodyLimitBytes);
      if (!body) return;
      const header = req.headers['x-pagerduty-signature'];
      const signature = Array.isArray(header) ? header.join(',') : header;
      if (!verifyPagerDutySignature(body, signature, deps.secrets)) {
        const reason = signature ? 'invalid' : 'missing';
        deps.log.warn({ source, reason, ...requester(req) }, 'webhook unauthorized');
        return reply(deps, intake, 401, 'unauthorized', { error: 'invalid or missing signature' });
      }
      const parsed = parsePagerDutyWebhook(body);
      if (!parsed.ok) {
        deps.log.warn({ source, problem: parsed.error }, 'webhook invalid');
        return reply(deps, intake, 400, 'invalid', {
          error: 'not a PagerDuty V3 webhook',
          problems: [parsed.error],
        });
      }
      const { event } = parsed;
      if (!HANDLED_PAGERDUTY_EVENTS.includes(event.event_type)) {
        deps.log.debug(
          { source, eventType: event.event_type, eventId: event.id },
          'webhook ignored',
        );
        return reply(deps, intake, 200, 'ignored', {
          status: 'ignored',
          event_type: event.event_type,
        });
      }
      await storeDelivery(
        deps,
        intake,
        deliveryIdOf(req, event.id),
        JSON.parse(body.toString('utf8')),
        {
          eventType: event.event_type,
          eventId: event.id,
        },
        // A signed body replayed under a new X-Webhook-Id is still the same event.
        { eventId: event.id },
      );
    },
    (error, req) => {
      deps.log.error({ err: error, source, route: req.url }, 'webhook route failed');
      deps.metrics.webhooksTotal.inc({ source, outcome: 'error' });
    },
  );
  return { path: PAGERDUTY_WEBHOOK_PATH, method: 'POST', handler };
}
