import { z } from 'zod';
import { playbookBase } from './playbook-base.ts';

/** Release checks grouped into gates, and the sign-off roles a release needs. */
export const GatePlaybook = z.strictObject({ ...playbookBase, kind: z.literal('gate') });
export type GatePlaybook = z.infer<typeof GatePlaybook>;
