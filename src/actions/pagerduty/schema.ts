import { z } from 'zod';
import { IncidentId } from '../schema.ts';

export const AckParams = z.strictObject({
  incidentId: IncidentId.describe('PagerDuty incident id, e.g. Q1ABCDEF2GH3IJ'),
});
export type AckParams = z.infer<typeof AckParams>;

export const NoteParams = AckParams.extend({
  content: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(25_000, 'must be at most 25000 characters (PagerDuty’s limit)')
    .describe('Text of the note'),
});
export type NoteParams = z.infer<typeof NoteParams>;
