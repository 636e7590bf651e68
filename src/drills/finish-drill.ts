import { describeSeconds } from '../domain/drills/describe-seconds.ts';
import { DRILL_FINISHED, type DrillResult, drillSubject } from '../domain/drills/drill-result.ts';
import { judgeDrill } from '../domain/drills/judge-drill.ts';
import type { Drill } from './drill-store.ts';
import type { DrillDeps } from './types.ts';

export interface Ending {
  restored: boolean;
  abortedBy?: string | undefined;
  problem?: string | undefined;
  /** Where the restore stands, in words (for the evidence). */
  restoreDetail: string;
}

/**
 * Ends a drill: judges it against its RTO, signs an evidence bundle (request, plan, fault and
 * restore runs, timeline, legs, SLO impact, outcome) and appends the ONE `drill.finished`
 * ledger entry the release gate reads, both in one transaction; then stores the result.
 * A drill whose restore failed ends `restore_failed`: it waits for a person.
 */
export async function finishDrill(deps: DrillDeps, drill: Drill, ending: Ending): Promise<Drill> {
  const now = deps.clock();
  const { progress, plan } = drill;
  const recoverySeconds = progress.recoverySeconds ?? null;
  const verdict = judgeDrill({
    rtoSeconds: plan.rtoSeconds,
    recoverySeconds,
    legs: progress.legs,
    restored: ending.restored,
    abortedBy: ending.abortedBy,
    problem: ending.problem,
  });
  const timeline = [
    ...progress.timeline,
    { at: now.toISOString(), event: `finished: ${verdict.outcome}` },
  ];
  const base: DrillResult = {
    drillId: drill.id,
    scenario: drill.scenario,
    service: drill.service,
    env: drill.env,
    outcome: verdict.outcome,
    startedAt: (drill.injectedAt ?? drill.createdAt).toISOString(),
    finishedAt: now.toISOString(),
    recoverySeconds,
    rtoSeconds: plan.rtoSeconds,
    requestedBy: drill.requester,
    ...(plan.dependency ? { dependency: plan.dependency } : {}),
    legs: progress.legs,
    timeline,
    sloImpact: progress.sloImpact,
    note: verdict.note,
  };
  const result = await deps.db.transaction(async (tx) => {
    const recorded = await deps.evidence.record(
      {
        kind: 'drill',
        subject: drillSubject(drill.service, drill.env),
        summary: `Drill ${drill.scenario} on ${drill.service}/${drill.env}: ${verdict.outcome}${recoverySeconds === null ? '' : `, recovered in ${describeSeconds(recoverySeconds)}`} (RTO ${describeSeconds(plan.rtoSeconds)})`,
        actor: drill.requester,
        body: {
          drill: drill.id,
          request: {
            requester: drill.requester,
            reason: drill.reason ?? null,
            incident: drill.incident ?? null,
          },
          plan,
          faultRun: drill.faultRun,
          restoreRun: drill.restoreRun ?? null,
          restore: ending.restoreDetail,
          abortedBy: ending.abortedBy ?? null,
          result: base,
        },
      },
      { tx },
    );
    const full: DrillResult = { ...base, evidenceUrl: recorded.url };
    await deps.ledger.append(
      {
        actor: drill.requester,
        kind: DRILL_FINISHED,
        subject: drillSubject(drill.service, drill.env),
        data: full,
      },
      { tx },
    );
    return full;
  });
  const state = ending.restored ? 'finished' : 'restore_failed';
  const patch = {
    state,
    outcome: result.outcome,
    finishedAt: now,
    result,
    progress: { ...progress, timeline },
  } as const;
  await deps.store.update(drill.id, patch);
  return { ...drill, ...patch };
}
