import { planDrill } from '../../domain/drills/plan-drill.ts';
import { recountPodKill } from '../../domain/drills/pod-share.ts';
import type { DrillPlaybook } from '../../domain/playbooks/drill-schema.ts';
import { checkReason } from '../../domain/policy/index.ts';
import { listDrillResults } from '../../drills/drill-report.ts';
import type { DrillRunner } from '../../drills/drill-runner.ts';
import { DrillBusyError, type DrillStore } from '../../drills/drill-store.ts';
import type { EngineRefusal, RunEngine } from '../../runs/types.ts';
import type { Queryable } from '../../store/db.ts';
import { suggest } from '../../util/suggest.ts';
import { commandActor } from '../actor.ts';
import type { CommandHandler, CommandOutcome, CommandRequest } from '../commands/types.ts';
import { reply, section } from '../render/blocks.ts';
import { renderDrillReport } from '../render/drill-report.ts';
import { renderRunRefusal } from '../render/run-refusal.ts';
import type { DrillPoster } from './drill-poster.ts';

export interface DrillCommandDeps {
  /** Drill scenarios by id (`kind: drill` playbooks). */
  scenarios: Map<string, DrillPlaybook>;
  engine: RunEngine;
  store: DrillStore;
  runner: DrillRunner;
  poster: DrillPoster;
  db: Queryable;
  clock: () => Date;
}

const OUTCOME: Partial<Record<EngineRefusal, CommandOutcome>> = {
  reason_required: 'invalid',
  invalid_params: 'invalid',
  plan_failed: 'invalid',
};

function refuse(request: CommandRequest, message: string) {
  return request.respond(renderRunRefusal({ message, correlationId: request.correlationId }));
}

/** `/mc drill report [service] [--since 30d]`: recent results from the ledger, to the typist. */
async function report(deps: DrillCommandDeps, request: CommandRequest): Promise<CommandOutcome> {
  const { command } = request;
  const sinceSeconds = Number(command.flags.since ?? 30 * 86_400);
  const service = command.args.service;
  const results = await listDrillResults(deps.db, {
    service,
    since: new Date(deps.clock().getTime() - sinceSeconds * 1000),
  });
  await request.respond(renderDrillReport({ results, service, sinceSeconds }));
  return 'ok';
}

/**
 * `/mc drill <scenario> <service> [--env E] [--duration D] [--reason ...]`: plans the drill (refusing environments the scenario does not allow), asks
 * the run engine for the fault run (the `drill` policy decides who may ask and who must
 * approve; the run's own message carries Confirm / Approve), posts the drill's live message
 * with its blast radius, restore plan and Abort, and hands the drill to the runner.
 */
export function createDrillCommand(deps: DrillCommandDeps): CommandHandler {
  return async (request) => {
    const { command, user } = request;
    if (command.subcommand === 'report') return report(deps, request);
    const name = command.args.scenario ?? '';
    const playbook = deps.scenarios.get(name);
    if (!playbook) {
      const known = [...deps.scenarios.keys()];
      const close = suggest(name, known);
      await refuse(
        request,
        `There is no drill scenario \`${name}\`; known: ${known.join(', ') || '(none)'}.${close ? ` Did you mean \`${close}\`?` : ''} Scenarios live in \`playbooks/drills/\`.`,
      );
      return 'invalid';
    }
    const service = command.service ?? command.args.service ?? '';
    const env = command.env ?? request.config.catalog.defaults.environment;
    const planned = planDrill(playbook, request.config.catalog, {
      service,
      env,
      durationSeconds: Number(command.flags.duration),
      ...(typeof command.flags.dependency === 'string'
        ? { dependency: command.flags.dependency }
        : {}),
    });
    if (!planned.ok) {
      await refuse(request, planned.message);
      return playbook.environments.includes(env) ? 'invalid' : 'denied';
    }
    const plan = planned.plan;
    const busy = (await deps.store.unfinished()).find(
      (d) => d.service === service && d.env === env,
    );
    if (busy) {
      await refuse(
        request,
        `Drill \`${busy.id}\` (\`${busy.scenario}\`) is still ${busy.state.replace('_', ' ')} on \`${service}/${env}\`; one drill at a time per service.`,
      );
      return 'denied';
    }
    const reason = typeof command.flags.reason === 'string' ? command.flags.reason : undefined;
    // The engine checks the run's whole reason; the person's own words must satisfy the policy.
    const rules = deps.engine.requirements({
      verb: 'drill',
      target: plan.faultTarget,
      actions: plan.faultSteps.map((s) => s.action),
    });
    const reasonCheck = rules
      ? checkReason({ requirements: rules, reason, typed: request.text })
      : { ok: true as const };
    if (!reasonCheck.ok) {
      await refuse(request, reasonCheck.message);
      return 'invalid';
    }
    const requester = commandActor(request);
    const outcome = await deps.engine.request({
      verb: 'drill',
      target: plan.faultTarget,
      requester,
      reason: `Drill ${playbook.id} on ${service}/${env}${reason ? `: ${reason}` : ''}`,
      steps: plan.faultSteps,
      channel: request.channelId,
    });
    if (!outcome.ok) {
      await refuse(request, outcome.message);
      return OUTCOME[outcome.code] ?? 'denied';
    }
    const runId = outcome.view.run.id;
    plan.faultSummary = (outcome.view.plans ?? []).map((p) =>
      [p.summary, p.affected, ...(p.warnings ?? [])].filter(Boolean).join(' · '),
    );
    plan.blastRadius = recountPodKill(plan.faultSteps, plan.blastRadius, outcome.view.run.steps);
    let drill: Awaited<ReturnType<DrillStore['create']>>;
    try {
      drill = await deps.store.create({
        scenario: playbook.id,
        service,
        env,
        requester: user.id,
        ...(reason ? { reason } : {}),
        plan,
        faultRun: runId,
        createdAt: deps.clock(),
      });
    } catch (error) {
      await deps.engine.cancel(runId, requester);
      if (!(error instanceof DrillBusyError)) throw error;
      await refuse(request, `${error.message}; one drill at a time per service.`);
      return 'denied';
    }
    const posted = await deps.poster.post(drill, request.channelId);
    if (!posted) {
      await deps.engine.cancel(runId, requester);
      await refuse(
        request,
        `I could not post the drill's message here, so I cancelled run ${runId}. Invite me with \`/invite @mc\` and ask again.`,
      );
      return 'error';
    }
    await deps.store.attach(drill.id, posted);
    deps.runner.begin({ ...drill, message: posted });
    const next = outcome.view.waitingFor === 'approval' ? 'approval' : 'your Confirm';
    const text = `Drill \`${drill.id}\` planned; its fault run \`${runId}\` waits for ${next}.`;
    await request.respond(reply(text, [section(text)]));
    return 'ok';
  };
}
