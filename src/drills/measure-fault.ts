import { describeSeconds } from '../domain/drills/describe-seconds.ts';
import type { DrillLeg } from '../domain/drills/drill-result.ts';
import { type Driving, pause, seconds, stepLeg, TIMELINE_MAX } from './drill-driving.ts';
import { settledRun } from './restore-fault.ts';
import { sampleQuery, sampleReplicas } from './samplers.ts';

/** Phase 1: the fault run waits for Confirm/approval, then the engine injects the fault. */
export async function awaitFault(d: Driving): Promise<boolean> {
  const { deps } = d;
  for (;;) {
    const view = await deps.engine.get(d.drill.faultRun);
    const state = view?.run.state;
    const abortedBy = await d.aborted();
    if (!view || ['rejected', 'expired', 'cancelled'].includes(state ?? '')) {
      await deps.store.update(d.drill.id, { state: 'cancelled', finishedAt: deps.clock() });
      d.drill = { ...d.drill, state: 'cancelled' };
      await d.note(`fault run ${d.drill.faultRun} ${state ?? 'vanished'}: the drill did not run`);
      await deps.ledger.append({
        actor: abortedBy ?? d.drill.requester,
        kind: 'drill.cancelled',
        subject: `drill:${d.drill.service}:${d.drill.env}`,
        data: {
          drill: d.drill.id,
          scenario: d.drill.scenario,
          run: d.drill.faultRun,
          state: state ?? null,
        },
      });
      return false;
    }
    if (abortedBy && (state === 'planned' || state === 'awaiting_approval')) {
      await deps.engine.cancel(d.drill.faultRun, { id: d.drill.requester });
      continue;
    }
    if (state !== 'planned' && state !== 'awaiting_approval') {
      const started = view.run.steps[0]?.startedAt;
      const injectedAt = started ? new Date(started) : deps.clock();
      const restoreDeadline = new Date(injectedAt.getTime() + d.drill.plan.deadlineSeconds * 1000);
      await d.save({ state: 'measuring', injectedAt, restoreDeadline });
      await d.note(
        `fault run ${d.drill.faultRun} executing; restore deadline ${restoreDeadline.toISOString()}`,
      );
      return true;
    }
    await pause(deps);
  }
}

/** Phase 2: the fault is in; sample until recovered (or held), the deadline, or Abort. */
export async function measure(d: Driving): Promise<{ abortedBy?: string; problem?: string }> {
  const { deps } = d;
  const plan = d.drill.plan;
  const fault = await settledRun(deps, d.drill.faultRun, () => d.sampleSlo());
  if (!fault) return { problem: `fault run ${d.drill.faultRun} vanished` };
  if (fault.run.state === 'interrupted')
    return { problem: 'the bot stopped while injecting the fault' };
  if (fault.run.state !== 'succeeded') {
    return {
      problem: `The fault could not be injected: run ${fault.run.id} ${fault.run.state}: ${fault.run.error ?? ''}`,
    };
  }
  const step = fault.run.steps[0];
  const injectedAt = d.drill.injectedAt ?? deps.clock();
  const deleted = ((step?.after ?? {}) as { deleted?: string[] }).deleted ?? [];
  if (d.drill.progress.timeline.every((e) => !e.event.startsWith('fault injected'))) {
    await d.note(`fault injected: ${fault.run.steps.map((s) => s.plan).join('; ')}`);
    if (deleted.length) await d.save({ progress: { deletedPods: deleted } });
  }
  if (plan.recovery.kind === 'rollout-complete') {
    const leg = stepLeg('roll back', step);
    await d.save({ progress: { legs: [leg], recoverySeconds: leg.seconds } });
    await d.note(
      `rolled back and healthy in ${leg.seconds === null ? '?' : describeSeconds(leg.seconds)}`,
    );
    return {};
  }
  let last = '';
  const observe = async (detail: string) => {
    if (detail === last) return;
    last = detail;
    const entry = { at: deps.clock().toISOString(), event: detail };
    const timeline = [...d.drill.progress.timeline, entry].slice(-TIMELINE_MAX);
    await d.save({ progress: { timeline, now: detail } });
  };
  for (;;) {
    const abortedBy = await d.aborted();
    if (abortedBy) return { abortedBy };
    const now = deps.clock();
    if (d.drill.restoreDeadline && now >= d.drill.restoreDeadline) {
      await d.note('restore deadline reached');
      return {};
    }
    await d.sampleSlo();
    if (plan.hold) {
      const dep = await sampleReplicas(deps, plan.faultTarget).catch((e: unknown) => ({
        detail: `could not read ${plan.faultTarget.service}: ${String(e)}`,
      }));
      await observe(dep.detail);
    } else if (plan.recovery.kind === 'replicas-available') {
      const sample = await sampleReplicas(
        deps,
        plan.faultTarget,
        d.drill.progress.deletedPods ?? [],
      );
      const at = deps.clock();
      await observe(sample.detail);
      if (sample.recovered) {
        const s = seconds(injectedAt, at);
        await d.save({ progress: { recoverySeconds: s, recoveredAt: at.toISOString() } });
        await d.note(`recovered in ${describeSeconds(s)}`);
        return {};
      }
    } else if (plan.recovery.kind === 'promql') {
      if (!deps.prometheus)
        return { problem: 'PROMETHEUS_URL is not set: the effect cannot be measured' };
      const sample = await sampleQuery(deps.prometheus, plan.recovery);
      const at = deps.clock();
      await observe(sample.detail);
      if (sample.holds === true) {
        const s = seconds(injectedAt, at);
        const leg: DrillLeg = { name: 'switch off → effect', seconds: s, detail: sample.detail };
        await d.save({ progress: { recoverySeconds: s, legs: [leg] } });
        await d.note(`took effect in ${describeSeconds(s)}`);
        return {};
      }
    }
    await pause(deps);
  }
}
