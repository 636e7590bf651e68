import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize is CommonJS (`module.exports = fn`) while its typings declare an ES default
// export, which NodeNext reads as `{ default: fn }`; at run time the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** The parts of a run an approval is bound to. Anything else (plan text, states) may change. */
export interface PlanIdentity {
  verb: string;
  target: { service: string; env: string };
  steps: ReadonlyArray<{ action: string; params: unknown; intent?: unknown }>;
}

/**
 * sha256 (hex) of the RFC 8785 canonical JSON of `{ verb, target, steps: [{ action, params,
 * intent }] }`: what an Approve click re-checks. The intent is each step's resolved target
 * (revision and template, image, replica count, ConfigMap value...), so an approval pins the
 * exact change, not just the request. Key order never matters; throws on values JSON cannot carry.
 */
export function planHash(plan: PlanIdentity): string {
  const identity = {
    verb: plan.verb,
    target: { service: plan.target.service, env: plan.target.env },
    steps: plan.steps.map((step) =>
      step.intent === undefined
        ? { action: step.action, params: step.params }
        : { action: step.action, params: step.params, intent: step.intent },
    ),
  };
  let text: string | undefined;
  try {
    text = canonicalize(identity);
    // canonicalize writes `undefined` for a function inside an object: not JSON.
    if (text !== undefined) JSON.parse(text);
  } catch (error) {
    throw new Error(`plan is not representable as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new Error('plan is not representable as JSON');
  return createHash('sha256').update(text).digest('hex');
}
