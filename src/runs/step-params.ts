import type { RunStep } from '../domain/runs/index.ts';
import type { EngineCore } from './engine-core.ts';

/** `Step 2 (k8s.scale)`: how messages name a step. */
export function stepName(index: number, action: string): string {
  return `Step ${index + 1} (${action})`;
}

/** A step's params parsed again by its action's schema (stored as the requester gave them). */
export function parsedParams(core: EngineCore, step: RunStep): unknown {
  const check = core.actions.validateParams(step.action, step.params);
  if (!check.ok) throw new Error(`params no longer fit ${step.action}: ${check.errors.join('; ')}`);
  return check.params;
}

/** Joins messages into one text, each ending with a full stop. */
export function sentences(parts: ReadonlyArray<string | undefined>): string {
  return parts
    .filter((p): p is string => Boolean(p?.trim()))
    .map((p) => (/[.!?]$/.test(p.trim()) ? p.trim() : `${p.trim()}.`))
    .join(' ');
}
