import { escapeMrkdwn } from '../slack/render/blocks.ts';
import type { Drill } from './drill-store.ts';
import type { DrillDeps } from './types.ts';

/** What a person must do by hand when the restore failed, per fault step. */
export function manualRestore(drill: Drill): string {
  const step = drill.plan.faultSteps[0];
  const where = `${drill.plan.faultTarget.service}/${drill.plan.faultTarget.env}`;
  const fault = drill.plan.faultSummary?.[0]?.split(' · ')[0];
  switch (step?.action) {
    case 'k8s.scale':
      return `scale \`${where}\` back to the replica count it had before the drill${fault ? ` (the fault was: ${fault})` : ''}, e.g. with \`/mc\` or \`kubectl scale\``;
    case 'k8s.set-configmap-key':
      return `set \`${String(step.params.configMap)}\` key \`${String(step.params.key)}\` back to its value from before the drill`;
    case 'k8s.rollout-undo':
      return `roll \`${where}\` forward to the revision it ran before the drill (\`/mc rollback ${drill.service} --env ${drill.env} --to N\`)`;
    default:
      return `check \`${where}\`: its pods did not come back (kubectl get pods, events)`;
  }
}

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
  const text = `<!here> :rotating_light: *Restore of drill \`${drill.id}\` FAILED*: ${escapeMrkdwn(problem.replace(/\.+$/, ''))}. The fault may still be in place on \`${drill.plan.faultTarget.service}/${drill.plan.faultTarget.env}\`. By hand: ${manualRestore(drill)}. Or click *Retry restore*.`;
  await deps.announcer.say(drill, text, { loud: true }).catch((error: unknown) => {
    deps.log.error({ err: error, drill: drill.id }, 'could not post the restore failure');
  });
  const incident = drill.incident ?? (await openIncident(deps, drill));
  if (!incident || !deps.pagerduty) return;
  try {
    await deps.pagerduty.addNote(
      incident,
      `mc drill ${drill.id} (${drill.scenario} on ${drill.service}/${drill.env}): restore FAILED: ${problem}. By hand: ${manualRestore(drill).replace(/`/g, '')}.`,
    );
    await deps.announcer.say(drill, `Noted on PagerDuty incident \`${incident}\`.`);
  } catch (error) {
    deps.log.error({ err: error, drill: drill.id, incident }, 'could not add the PagerDuty note');
    await deps.announcer.say(
      drill,
      `Could not add a note to PagerDuty incident \`${incident}\`: ${escapeMrkdwn(String(error))}`,
    );
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
