import { z } from 'zod';

/** sha256 in lowercase hex: a plan hash. */
export const PlanHash = z.string().regex(/^[a-f0-9]{64}$/, 'must be a sha256 hex digest');
export type PlanHash = z.infer<typeof PlanHash>;

/** One person's approval of one plan, counted under one of the policy's roles. */
export const Approval = z.strictObject({
  userId: z.string().min(1),
  role: z.string().min(1),
  at: z.date(),
  planHash: PlanHash,
  comment: z.string().optional(),
});
export type Approval = z.infer<typeof Approval>;
