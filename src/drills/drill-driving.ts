import { setTimeout as delay } from 'node:timers/promises';
import { describeSeconds } from '../domain/drills/describe-seconds.ts';
import type { DrillLeg } from '../domain/drills/drill-result.ts';
import type { RunStep } from '../domain/runs/index.ts';
import type { Drill, DrillPatch, DrillProgress } from './drill-store.ts';
import { sampleSlos } from './slo-impact.ts';
import type { DrillDeps } from './types.ts';

export const TIMELINE_MAX = 80;

/** Sleeps between samples; rejects when the runner stops (the loop ends, the drill stays saved). */
export function pause(deps: DrillDeps, ms = deps.sampleMs ?? 250): Promise<void> {
  return delay(ms, undefined, deps.signal ? { signal: deps.signal } : {});
}
/** Seconds from one time to a later one (never negative). */
export const seconds = (from: Date, to: Date) =>
  Math.max(0, (to.getTime() - from.getTime()) / 1000);

/** The drill as the loop sees it, with helpers to save and announce changes. */
export interface Driving {
  deps: DrillDeps;
  drill: Drill;
  /** Saves a patch (progress merged) and tells the announcer. */
  save(patch: Omit<DrillPatch, 'progress'> & { progress?: Partial<DrillProgress> }): Promise<void>;
  note(event: string): Promise<void>;
  /** Prometheus sampling of the service's SLOs, at most once per promSampleMs. */
  sampleSlo(): Promise<void>;
  aborted(): Promise<string | undefined>;
}

/** Wraps a drill for its loop: saves go to the store and the announcer. */
export function driving(deps: DrillDeps, initial: Drill): Driving {
  let lastSlo: Date | undefined;
  const d: Driving = {
    deps,
    drill: initial,
    async save(patch) {
      const progress = { ...d.drill.progress, ...patch.progress };
      const full = { ...patch, progress };
      await deps.store.update(d.drill.id, full);
      d.drill = { ...d.drill, ...full };
      await deps.announcer.changed(d.drill);
    },
    async note(event) {
      const entry = { at: deps.clock().toISOString(), event };
      const timeline = [...d.drill.progress.timeline, entry].slice(-TIMELINE_MAX);
      await d.save({ progress: { timeline } });
    },
    async sampleSlo() {
      const slos = deps.catalog.services[d.drill.service]?.slo ?? [];
      if (!deps.prometheus || !d.drill.plan.watchSlo || slos.length === 0) return;
      const now = deps.clock();
      if (lastSlo && now.getTime() - lastSlo.getTime() < (deps.promSampleMs ?? 1_000)) return;
      const elapsed = lastSlo ? seconds(lastSlo, now) : 0;
      lastSlo = now;
      const sloImpact = await sampleSlos(
        deps.prometheus,
        slos,
        d.drill.progress.sloImpact,
        elapsed,
      );
      await d.save({ progress: { sloImpact } });
    },
    async aborted() {
      const fresh = await deps.store.get(d.drill.id);
      return fresh?.abortRequestedBy;
    },
  };
  return d;
}

/** A step's apply → verified time: how long the engine took to see the change take hold. */
export function stepLeg(name: string, step: RunStep | undefined): DrillLeg {
  if (!step?.startedAt || !step.finishedAt) return { name, seconds: null, detail: 'not timed' };
  const s = seconds(new Date(step.startedAt), new Date(step.finishedAt));
  return { name, seconds: s, detail: `${step.plan} (${describeSeconds(s)})` };
}
