import { createHash } from 'node:crypto';
import { parseAlertmanagerWebhook } from '../../adapters/alertmanager/parse-webhook.ts';
import { asyncRoute, type HttpRoute } from '../route.ts';
import { checkBearer } from './check-bearer.ts';
import {
  beginIntake,
  type IntakeDeps,
  readJsonBody,
  reply,
  requester,
  storeDelivery,
  unconfiguredWarner,
} from './intake.ts';

export const ALERTMANAGER_WEBHOOK_PATH = '/webhooks/alertmanager';

export interface AlertmanagerRouteDeps extends IntakeDeps {
  /** ALERTMANAGER_WEBHOOK_TOKEN; without it every request is refused with 503. */
  token?: string | undefined;
  bodyLimitBytes: number;
}

/**
 * Alertmanager's id for a notification: the hash of its body. Alertmanager retries a failed
 * notification with the same bytes, so a retry after a lost 2xx is a duplicate; the inbox's
 * redelivery window lets a later identical repeat notification through again.
 */
export function alertmanagerDeliveryId(rawBody: Buffer): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** POST /webhooks/alertmanager: bearer token, then size, type and schema, then the inbox. */
export function alertmanagerRoute(deps: AlertmanagerRouteDeps): HttpRoute {
  const source = 'alertmanager';
  const warnUnconfigured = unconfiguredWarner(
    deps.log,
    'refusing Alertmanager webhooks with 503: set ALERTMANAGER_WEBHOOK_TOKEN (at least 16 characters) ' +
      'and the same value as http_config.authorization.credentials of the webhook receiver in alertmanager.yml',
  );
  const handler = asyncRoute(
    async (req, res) => {
      const intake = beginIntake(source, req, res);
      if (!deps.token) {
        warnUnconfigured();
        return reply(deps, intake, 503, 'unconfigured', {
          error:
            'Alertmanager webhooks are not configured on this bot (ALERTMANAGER_WEBHOOK_TOKEN)',
        });
      }
      const auth = checkBearer(req.headers.authorization, deps.token);
      if (auth !== 'ok') {
        deps.log.warn({ source, reason: auth, ...requester(req) }, 'webhook unauthorized');
        const error = auth === 'missing' ? '' : ', error="invalid_token"';
        return reply(
          deps,
          intake,
          401,
          'unauthorized',
          { error: 'unauthorized' },
          {
            'www-authenticate': `Bearer realm="mc"${error}`,
          },
        );
      }
      const body = await readJsonBody(deps, intake, deps.bodyLimitBytes);
      if (!body) return;
      const parsed = parseAlertmanagerWebhook(body);
      if (!parsed.ok) {
        deps.log.warn({ source, problems: parsed.problems.slice(0, 20) }, 'webhook invalid');
        return reply(deps, intake, 400, 'invalid', {
          error: 'not an Alertmanager webhook (payload version 4)',
          problems: parsed.problems,
        });
      }
      const { webhook } = parsed;
      await storeDelivery(
        deps,
        intake,
        alertmanagerDeliveryId(body),
        JSON.parse(body.toString('utf8')),
        {
          groupKey: webhook.groupKey,
          status: webhook.status,
          alerts: webhook.alerts.length,
        },
      );
    },
    (error, req) => {
      deps.log.error({ err: error, source, route: req.url }, 'webhook route failed');
      deps.metrics.webhooksTotal.inc({ source, outcome: 'error' });
    },
  );
  return { path: ALERTMANAGER_WEBHOOK_PATH, method: 'POST', handler };
}
