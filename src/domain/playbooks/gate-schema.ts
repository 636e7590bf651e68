import { z } from 'zod';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import { Duration, Slug, Text } from '../commands/schema.ts';
import { playbookBase } from './playbook-base.ts';

/** `<`, `<=`, `>`, `>=`: the value must compare so to the threshold for the check to pass. */
export const Comparison = z.enum(['<', '<=', '>', '>=']);
export type Comparison = z.infer<typeof Comparison>;

const checkBase = {
  /** Unique within the gate set: `slo-burn`, `images-pinned`. */
  id: Slug,
  title: Text.max(80),
  /** Longest the check may take before it counts as inconclusive. Default 10s. */
  timeout: Duration.optional(),
};

/** A PromQL query compared with a threshold; `{{ service }}`, `{{ env }}` are filled in. */
export const PromqlCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('promql'),
  query: Text,
  comparison: Comparison,
  threshold: z.number(),
  /** Only in these environments; default all. */
  environments: z.array(Slug).min(1).optional(),
});

/** No open PagerDuty incident of these urgencies on the service's PagerDuty service. */
export const PagerDutyCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('pagerduty-open-incidents'),
  urgencies: z
    .array(z.enum(['high', 'low']))
    .min(1)
    .default(['high']),
});

/** The workload in the target environment is fully rolled out and available. */
export const RolloutHealthyCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('rollout-healthy'),
});

/** Every container image of the workload is referenced by `@sha256:` digest. */
export const ImagesPinnedCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('images-pinned'),
});

/** A passed drill of this scenario for the service within the last `within`. */
export const DrillFreshCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('drill-fresh'),
  scenario: Slug,
  within: Duration,
});

/** The target environment is not inside one of its freeze windows. */
export const ChangeFreezeCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('change-freeze'),
});

/**
 * Where a signature check reads files: `dir` (relative to the config directory) or `url` (an
 * http(s) base URL), exactly one.
 */
export const SignatureSource = z
  .strictObject({
    dir: Text.optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  })
  .refine((s) => (s.dir === undefined) !== (s.url === undefined), {
    message: 'give exactly one of `dir` or `url`',
  });
export type SignatureSource = z.infer<typeof SignatureSource>;

/**
 * Every image digest of the workload has a sigstore bundle (`sha256-<hex>.sigstore.json` in
 * `bundles`) that verifies with one of the public keys in `keys` (`*.pem` in a dir, or PEM text
 * at a URL).
 */
export const SignatureCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('signature'),
  bundles: SignatureSource,
  keys: SignatureSource,
});

export const GateCheck = z.discriminatedUnion('kind', [
  PromqlCheck,
  PagerDutyCheck,
  RolloutHealthyCheck,
  ImagesPinnedCheck,
  DrillFreshCheck,
  ChangeFreezeCheck,
  SignatureCheck,
]);
export type GateCheck = z.infer<typeof GateCheck>;
export const GATE_CHECK_KINDS = GateCheck.options.map((o) => o.shape.kind.value);

/** A named group of checks; the gate passes when each of its checks passed. */
export const Gate = z.strictObject({
  name: Text.max(60),
  description: Text.optional(),
  checks: z.array(GateCheck).min(1),
});
export type Gate = z.infer<typeof Gate>;

/** Release checks grouped into gates, and the sign-off roles a release needs. */
export const GatePlaybook = z
  .strictObject({
    ...playbookBase,
    kind: z.literal('gate'),
    gates: z.array(Gate).min(1),
    signoffs: z
      .strictObject({
        /** Catalog roles; one sign-off from a holder of each is required. */
        roles: z.array(Slug).default([]),
        /** One person may sign for at most one role. Default true. */
        distinctPeople: z.boolean().default(true),
      })
      .default({ roles: [], distinctPeople: true }),
    /** Catalog roles allowed to waive a failed gate (with a reason and an expiry). */
    waivers: z
      .strictObject({ roles: z.array(Slug).min(1), maxDuration: Duration.default('72h') })
      .optional(),
  })
  .superRefine(checkGateSet, { when: () => true });
export type GatePlaybook = z.infer<typeof GatePlaybook>;

/** Duplicate check ids, gate names and roles, read loosely so they show with other errors. */
function checkGateSet(raw: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const p = asRecord(raw);
  const gates = asArray(p.gates).map(asRecord);
  const seen = new Map<string, string>();
  gates.forEach((gate, g) => {
    asArray(gate.checks).forEach((check, c) => {
      const id = asString(asRecord(check).id);
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) {
        issue(['gates', g, 'checks', c, 'id'], `"${id}" is already a check of gate "${first}"`);
      } else seen.set(id, asString(gate.name) ?? `#${g + 1}`);
    });
  });
  const names = gates.map((gate) => asString(gate.name));
  names.forEach((name, g) => {
    if (name !== undefined && names.indexOf(name) !== g) {
      issue(['gates', g, 'name'], `"${name}" names two gates`);
    }
  });
  const roles = asArray(asRecord(p.signoffs).roles);
  roles.forEach((role, i) => {
    if (typeof role === 'string' && roles.indexOf(role) !== i) {
      issue(['signoffs', 'roles', i], `"${role}" is listed twice`);
    }
  });
}
