import type { Drill } from './drill-store.ts';
import type { DrillDeps, InstructionPart } from './types.ts';

/** What a person must do by hand when the restore failed, per fault step. */
export function manualRestore(drill: Drill): InstructionPart[] {
  const step = drill.plan.faultSteps[0];
  const where = `${drill.plan.faultTarget.service}/${drill.plan.faultTarget.env}`;
  const fault = drill.plan.faultSummary?.[0]?.split(' · ')[0];
  switch (step?.action) {
    case 'k8s.scale':
      return [
        'scale ',
        { code: where },
        ` back to the replica count it had before the drill${fault ? ` (the fault was: ${fault})` : ''}, e.g. with `,
        { code: '/mc' },
        ' or ',
        { code: 'kubectl scale' },
      ];
    case 'k8s.set-configmap-key':
      return [
        'set ',
        { code: String(step.params.configMap) },
        ' key ',
        { code: String(step.params.key) },
        ' back to its value from before the drill',
      ];
    case 'k8s.rollout-undo':
      return [
        'roll ',
        { code: where },
        ' forward to the revision it ran before the drill (',
        { code: `/mc rollback ${drill.service} --env ${drill.env} --to N` },
        ')',
      ];
    default:
      return ['check ', { code: where }, ': its pods did not come back (kubectl get pods, events)'];
  }
}

/** An instruction as plain text (for PagerDuty notes). */
export const plainInstruction = (parts: InstructionPart[]) =>
  parts
    .map((p) => (typeof p === 'string' ? p : p.code))
    .join('')
    .replace(/`/g, '');

/**
 * A failed restore is said loudly: an @here line in the drill's thread with what is still
 * faulted and what to do, and a note on the PagerDuty incident linked to the drill (given
 * with --incident, or the service's open incident). One failing sink does not stop the other.
 */
export async function escalateRestoreFailure(
  deps: DrillDeps,
  drill: Drill,
  problem: string,
): Promise<void> {
  const byHand = manualRestore(drill);
  const where = `${drill.plan.faultTarget.service}/${drill.plan.faultTarget.env}`;
  const notice = { kind: 'restore-failed', problem, where, byHand } as const;
  await deps.announcer.say(drill, notice).catch((error: unknown) => {
    deps.log.error({ err: error, drill: drill.id }, 'could not post the restore failure');
  });
  const incident = drill.incident ?? (await openIncident(deps, drill));
  if (!incident || !deps.pagerduty) return;
  try {
    await deps.pagerduty.addNote(
      incident,
      `mc drill ${drill.id} (${drill.scenario} on ${drill.service}/${drill.env}): restore FAILED: ${problem}. By hand: ${plainInstruction(byHand)}.`,
    );
    await deps.announcer.say(drill, { kind: 'incident-noted', incident });
  } catch (error) {
    deps.log.error({ err: error, drill: drill.id, incident }, 'could not add the PagerDuty note');
    await deps.announcer.say(drill, {
      kind: 'incident-note-failed',
      incident,
      error: String(error),
    });
  }
}

/** The service's first open PagerDuty incident, when PagerDuty is configured. */
async function openIncident(deps: DrillDeps, drill: Drill): Promise<string | undefined> {
  const serviceId = deps.catalog.services[drill.service]?.pagerduty.serviceId;
  if (!deps.pagerduty || !serviceId) return undefined;
  try {
    const open = await deps.pagerduty.listOpenIncidents({ serviceIds: [serviceId] });
    return open[0]?.id;
  } catch (error) {
    deps.log.warn({ err: error, drill: drill.id }, 'could not list open PagerDuty incidents');
    return undefined;
  }
}
