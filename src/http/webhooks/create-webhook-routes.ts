import type { HttpRoute } from '../route.ts';
import { alertmanagerRoute } from './alertmanager-route.ts';
import type { IntakeDeps } from './intake.ts';
import { pagerdutyRoute } from './pagerduty-route.ts';

/** Bodies over this get 413: 1 MiB, far above a real Alertmanager or PagerDuty delivery. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface WebhookRoutesDeps extends IntakeDeps {
  /** ALERTMANAGER_WEBHOOK_TOKEN; absent: /webhooks/alertmanager answers 503. */
  alertmanagerToken?: string | undefined;
  /** PAGERDUTY_WEBHOOK_SECRET split with splitSecrets(); empty: /webhooks/pagerduty answers 503. */
  pagerdutySecrets: string[];
  bodyLimitBytes?: number;
}

/**
 * POST /webhooks/alertmanager and POST /webhooks/pagerduty. Each accepted delivery is in the
 * inbox before the 2xx goes out; the inbox worker processes it afterwards.
 */
export function createWebhookRoutes(deps: WebhookRoutesDeps): HttpRoute[] {
  const bodyLimitBytes = deps.bodyLimitBytes ?? WEBHOOK_BODY_LIMIT_BYTES;
  const intake = { inbox: deps.inbox, worker: deps.worker, log: deps.log, metrics: deps.metrics };
  return [
    alertmanagerRoute({ ...intake, token: deps.alertmanagerToken, bodyLimitBytes }),
    pagerdutyRoute({ ...intake, secrets: deps.pagerdutySecrets, bodyLimitBytes }),
  ];
}
