import { z } from 'zod';
import { playbookBase } from './playbook-base.ts';

/** A fault to inject, how recovery is measured, and how to restore. */
export const DrillPlaybook = z.strictObject({ ...playbookBase, kind: z.literal('drill') });
export type DrillPlaybook = z.infer<typeof DrillPlaybook>;
