import { describeSeconds } from '../domain/drills/describe-seconds.ts';
import type { DrillLeg } from '../domain/drills/drill-result.ts';
import type { RunStep } from '../domain/runs/index.ts';
import { type Driving, pause, seconds, stepLeg } from './drill-driving.ts';
import { restoreFault } from './restore-fault.ts';
import { sampleQuery, sampleReplicas } from './samplers.ts';

/** Phase 3: restore through the engine, and measure what the restore brings back. */
export async function restore(d: Driving): Promise<{ restored: boolean; detail: string }> {
  const { deps } = d;
  const plan = d.drill.plan;
  const startedAt = d.drill.restoreStartedAt ?? deps.clock();
  await d.save({ state: 'restoring', restoreStartedAt: startedAt });
  if (plan.restore.kind === 'await-recovery') {
    const recovered = d.drill.progress.recoverySeconds != null;
    if (recovered) return { restored: true, detail: 'recovered by itself; nothing to put back' };
    const sample = await sampleReplicas(deps, plan.faultTarget, d.drill.progress.deletedPods ?? []);
    return sample.recovered
      ? { restored: true, detail: `recovered late: ${sample.detail}` }
      : { restored: false, detail: `not recovered by the deadline: ${sample.detail}` };
  }
  let recoveredAt: Date | undefined;
  const watchDependency = async () => {
    await d.sampleSlo();
    if (recoveredAt || plan.recovery.kind !== 'replicas-available') return;
    const sample = await sampleReplicas(deps, plan.faultTarget).catch(() => undefined);
    if (sample?.recovered) recoveredAt = deps.clock();
  };
  const attempts = deps.restoreAttempts ?? 3;
  let outcome: Awaited<ReturnType<typeof restoreFault>> = { ok: false, message: 'not tried' };
  for (let i = 1; i <= attempts; i++) {
    outcome = await restoreFault(deps, d.drill, {
      onStarted: async (runId) => {
        await d.save({ restoreRun: runId });
        await d.note(`restore run ${runId} executing`);
      },
      onTick: watchDependency,
    });
    if (outcome.ok) break;
    await d.note(`restore attempt ${i} of ${attempts} failed: ${outcome.message}`);
    if (i < attempts) await pause(deps, 1_000 * i);
  }
  if (!outcome.ok) return { restored: false, detail: outcome.message };
  await d.note(`restored: ${outcome.detail}`);
  await measureAfterRestore(d, startedAt, outcome.run?.run.steps[0], recoveredAt);
  return { restored: true, detail: outcome.detail };
}

/** What the restore brought back: the dependency's pods, the roll forward, the switch. */
async function measureAfterRestore(
  d: Driving,
  startedAt: Date,
  step: RunStep | undefined,
  seen?: Date,
) {
  const { deps } = d;
  const plan = d.drill.plan;
  const limit = new Date(deps.clock().getTime() + Math.max(plan.rtoSeconds, 30) * 1000 * 2);
  if (plan.recovery.kind === 'rollout-complete') {
    const forward = stepLeg('roll forward', step);
    await d.save({ progress: { legs: [...d.drill.progress.legs, forward] } });
    return;
  }
  if (plan.recovery.kind === 'replicas-available') {
    let at = seen;
    while (!at && deps.clock() < limit) {
      const sample = await sampleReplicas(deps, plan.faultTarget);
      await d.sampleSlo();
      if (sample.recovered) at = deps.clock();
      else await pause(deps);
    }
    const s = at ? seconds(startedAt, at) : null;
    await d.save({
      progress: { recoverySeconds: s, ...(at ? { recoveredAt: at.toISOString() } : {}) },
    });
    await d.note(
      s === null
        ? 'the dependency did not come back in time'
        : `dependency back in ${describeSeconds(s)}`,
    );
    return;
  }
  if (plan.recovery.kind === 'promql' && deps.prometheus) {
    const from = step?.startedAt ? new Date(step.startedAt) : startedAt;
    let s: number | null = null;
    let detail = 'the switch back was never seen';
    while (deps.clock() < limit) {
      const sample = await sampleQuery(deps.prometheus, plan.recovery);
      if (sample.holds === false) {
        s = seconds(from, deps.clock());
        detail = sample.detail;
        break;
      }
      await pause(deps);
    }
    const leg: DrillLeg = { name: 'switch on → effect', seconds: s, detail };
    await d.save({ progress: { legs: [...d.drill.progress.legs, leg] } });
    await d.note(s === null ? detail : `switched back on, seen in ${describeSeconds(s)}`);
  }
}
