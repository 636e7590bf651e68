import { z } from 'zod';
import { ImageRef, Target } from '../schema.ts';

export const MAX_REPLICAS = 100;

/** Where a `before` state lives, saved with it so revert restores exactly that object. */
export const WorkloadRefJson = z.object({
  context: z.string().min(1),
  namespace: z.string().min(1),
  kind: z.enum(['Deployment', 'Rollout']),
  name: z.string().min(1),
});

export const SetImageParams = Target.extend({
  image: ImageRef.describe('Image to run in the catalog container, e.g. shop/checkout:1.4.1'),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'must be a commit sha (7 to 64 hex digits)')
    .optional()
    .describe('The commit the image was built from (lead time, DORA)'),
  commitAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When that commit was made, ISO-8601'),
});
export type SetImageParams = z.infer<typeof SetImageParams>;

export const SetImageBefore = z.object({
  workload: WorkloadRefJson,
  container: z.string().min(1),
  image: z.string(),
});

export const RolloutUndoParams = Target.extend({
  toRevision: z
    .int()
    .min(1, 'must be a revision number of 1 or more')
    .optional()
    .describe('Revision to return to (rollout history); default the one before the current'),
});
export type RolloutUndoParams = z.infer<typeof RolloutUndoParams>;

export const RolloutUndoBefore = z.object({
  workload: WorkloadRefJson,
  revision: z.int().nullable(),
  template: z.looseObject({ spec: z.looseObject({ containers: z.array(z.looseObject({})) }) }),
  annotations: z.record(z.string(), z.string()),
});

/** What an undo puts in place: the template and annotations of the planned revision. */
export const RolloutUndoAfter = z.object({
  workload: WorkloadRefJson,
  revision: z.int(),
  replicaSet: z.string(),
  images: z.string(),
  template: RolloutUndoBefore.shape.template,
  annotations: z.record(z.string(), z.string()),
});

/** `6` (absolute), or `+2` / `-1` (relative to the live count). */
export const ReplicaChange = z
  .union([z.number(), z.string()], {
    error: 'must be a number of replicas like 6, or a change like +2 or -1',
  })
  .transform((value, ctx) => {
    const problem = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const shape = 'must be a whole number of replicas like 6, or a change like +2 or -1';
    const match = /^([+-]?)(\d{1,4})$/.exec(String(value).trim());
    if (!match || (typeof value === 'number' && !Number.isInteger(value))) return problem(shape);
    const amount = Number(match[2]);
    if (typeof value === 'string' && match[1] !== '') {
      return { relative: true as const, delta: match[1] === '-' ? -amount : amount };
    }
    if (match[1] === '-') return problem('must be 0 or more');
    if (amount > MAX_REPLICAS) return problem(`must be at most ${MAX_REPLICAS}`);
    return { relative: false as const, count: amount };
  });

export const ScaleParams = Target.extend({
  replicas: ReplicaChange.describe(
    `Replicas: absolute (6) or relative (+2, -1), 0 to ${MAX_REPLICAS}`,
  ),
});
export type ScaleParams = z.infer<typeof ScaleParams>;

export const ScaleBefore = z.object({ workload: WorkloadRefJson, replicas: z.int().min(0) });

export const RestartParams = Target;
export type RestartParams = z.infer<typeof RestartParams>;

const ConfigMapName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a ConfigMap name like checkout-flags');

export const SetConfigMapKeyParams = Target.extend({
  configMap: ConfigMapName.describe('ConfigMap in the service namespace, e.g. checkout-flags'),
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]{1,253}$/, 'must be a ConfigMap key: letters, digits, -, _ and .')
    .describe('Key to set (a flag, kill switch or limit)'),
  value: z.string().max(65_536, 'must be at most 64 KiB').describe('New value of the key'),
});
export type SetConfigMapKeyParams = z.infer<typeof SetConfigMapKeyParams>;

export const SetConfigMapKeyBefore = z.object({
  context: z.string().min(1),
  namespace: z.string().min(1),
  configMap: z.string().min(1),
  key: z.string().min(1),
  /** null: the key was absent, so revert removes it. */
  value: z.string().nullable(),
});

export const DeletePodsParams = Target.extend({
  count: z.int().min(1).max(MAX_REPLICAS).optional().describe('How many pods to delete'),
  percent: z
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('Or which share of the pods to delete, rounded up (at least one)'),
}).refine((p) => (p.count === undefined) !== (p.percent === undefined), {
  message: 'set exactly one of count or percent',
});
export type DeletePodsParams = z.infer<typeof DeletePodsParams>;
