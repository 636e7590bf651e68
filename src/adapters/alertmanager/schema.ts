import { z } from 'zod';

const StringMap = z.record(z.string(), z.string());

/** A label matcher, as silences and alert filters use it (`isEqual: false` negates). */
export const Matcher = z.object({
  name: z.string().min(1),
  value: z.string(),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof Matcher>;
export type MatcherInput = z.input<typeof Matcher>;

/** One alert from GET /api/v2/alerts. Lenient: unknown fields dropped, extras defaulted. */
export const Alert = z.object({
  labels: StringMap,
  annotations: StringMap.default({}),
  startsAt: z.string(),
  endsAt: z.string(),
  updatedAt: z.string().optional(),
  fingerprint: z.string(),
  generatorURL: z.string().optional(),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  status: z.object({
    /** active, suppressed or unprocessed. */
    state: z.string(),
    silencedBy: z.array(z.string()).default([]),
    inhibitedBy: z.array(z.string()).default([]),
  }),
});
export type Alert = z.infer<typeof Alert>;

/** A silence from GET /api/v2/silence/{id}. */
export const Silence = z.object({
  id: z.string(),
  /** pending, active or expired. */
  status: z.object({ state: z.string() }),
  matchers: z.array(Matcher),
  startsAt: z.string(),
  endsAt: z.string(),
  updatedAt: z.string().optional(),
  createdBy: z.string(),
  comment: z.string(),
});
export type Silence = z.infer<typeof Silence>;

/** GET /api/v2/status: enough to say which Alertmanager answered and whether it clusters. */
export const AlertmanagerStatus = z.object({
  cluster: z.object({ status: z.string(), name: z.string().optional() }).loose(),
  versionInfo: z.object({ version: z.string().optional() }).loose().default({}),
  config: z.object({ original: z.string() }).optional(),
  uptime: z.string().optional(),
});
export type AlertmanagerStatus = z.infer<typeof AlertmanagerStatus>;

/** One alert inside a webhook notification. */
export const WebhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: StringMap,
  annotations: StringMap.default({}),
  startsAt: z.string().min(1),
  /** `0001-01-01T00:00:00Z` while the alert has no known end. */
  endsAt: z.string(),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
});
export type WebhookAlert = z.infer<typeof WebhookAlert>;

/** The webhook receiver's payload, version 4 (Alertmanager 0.x). Unknown fields are ignored. */
export const AlertmanagerWebhook = z.object({
  version: z.literal('4', { error: 'must be "4" (the Alertmanager webhook payload version)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: StringMap.default({}),
  commonLabels: StringMap.default({}),
  commonAnnotations: StringMap.default({}),
  externalURL: z.string(),
  alerts: z.array(WebhookAlert),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;
