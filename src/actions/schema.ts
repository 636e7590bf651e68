import { z } from 'zod';
import { Slug } from '../domain/catalog/schema.ts';

/** A catalog target: the service and environment, never raw cluster coordinates. */
export const Target = z.strictObject({
  service: Slug.describe('Service name from catalog.yml'),
  env: Slug.describe('Environment of that service, e.g. staging or prod'),
});
export type Target = z.infer<typeof Target>;

/** A container image reference: `registry/repo:tag` or `repo@sha256:…`. */
export const ImageRef = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    'must be an image reference like shop/checkout:1.4.2',
  );

/** A PagerDuty incident id (`Q1ABC2DEF3`). */
export const IncidentId = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{5,20}$/, 'must be a PagerDuty incident id like Q1ABCDEF2GH3IJ');
