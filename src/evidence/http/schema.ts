import { z } from 'zod';

const Text = z.string();
const OptionalText = z.string().nullish();
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

/**
 * The GateManifest (src/gates/gate-manifest.ts) as the memo page reads it back from a
 * signed document: lenient where the page can do without a field (lists default to empty,
 * statuses are any text), strict on what the memo is about (release, decision, gates). A
 * body that does not fit is shown as a plain evidence page.
 */
export const MemoManifest = z.object({
  release: z.object({
    service: Text,
    version: Text,
    env: Text,
    gateSet: Text,
    gateSetTitle: OptionalText,
    gateId: OptionalText,
  }),
  decision: z.enum(['GO', 'NO-GO', 'PENDING']),
  headline: Text,
  decidedAt: OptionalText,
  evaluatedAt: OptionalText,
  requestedBy: OptionalText,
  artifacts: list(z.object({ container: Text, image: Text, digest: OptionalText })),
  gates: z.array(
    z.object({
      name: Text,
      status: Text,
      checks: list(
        z.object({
          id: OptionalText,
          title: Text,
          status: Text,
          value: OptionalText,
          reason: Text.default(''),
          link: OptionalText,
        }),
      ),
    }),
  ),
  waivers: list(
    z.object({ gate: Text, by: Text, reason: Text, at: OptionalText, expiresAt: OptionalText }),
  ),
  signOffs: list(z.object({ role: Text, by: Text, at: OptionalText, comment: OptionalText })),
  missingRoles: list(Text),
  changes: list(
    z.object({
      runId: Text,
      verb: Text,
      env: Text,
      summary: Text,
      by: Text,
      at: Text,
      outcome: Text,
      ledgerSeq: z.number().optional(),
    }),
  ),
  rollbackPlan: z
    .object({
      revision: z.number().nullish(),
      images: z.record(z.string(), z.string()).default({}),
      summary: Text,
    })
    .nullish(),
  drillEvidence: list(Text),
});
export type MemoManifest = z.infer<typeof MemoManifest>;
