import type { JsonObject } from './json.ts';

/** One entry of spec.strategy.canary.steps. */
export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: number | string };
  analysis?: JsonObject;
  [key: string]: unknown;
}

export interface PauseCondition {
  reason: string;
  startTime: string;
}

/** The fields of a Rollout's status this emulator reads and writes. */
export interface RolloutStatus {
  phase?: 'Progressing' | 'Paused' | 'Healthy' | 'Degraded';
  message?: string;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  pauseConditions?: PauseCondition[] | null;
  controllerPause?: boolean;
  abort?: boolean;
  abortedAt?: string;
  promoteFull?: boolean;
  /** Written as status.canary.currentBackgroundAnalysisRunStatus. */
  backgroundAnalysis?: { name: string; status: string; message?: string };
  [key: string]: unknown;
}

/** Seconds in a pause duration: a number, or a Go-style string such as `30s`, `5m`, `1h`. */
export function durationSeconds(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!match) return undefined;
  const scale = { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * scale;
}

/** The canary weight in force at step index `index`: the last setWeight at or before it. */
export function weightAt(steps: CanaryStep[], index: number): number {
  if (index >= steps.length) return 100;
  let weight = 0;
  for (const step of steps.slice(0, index + 1))
    if (typeof step.setWeight === 'number') weight = step.setWeight;
  return weight;
}

/** Canary/stable replica counts for a weight without traffic routing, as Argo approximates it. */
export function splitReplicas(
  replicas: number,
  weight: number,
): { canary: number; stable: number } {
  const canary = Math.min(replicas, Math.ceil((replicas * weight) / 100));
  return { canary, stable: weight >= 100 ? 0 : replicas - canary };
}
