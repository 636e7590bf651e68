import type { Catalog } from '../config/schema.ts';
import type { DrillResult } from '../domain/drills/drill-result.ts';
import { planDrill } from '../domain/drills/plan-drill.ts';
import { recountPodKill } from '../domain/drills/pod-share.ts';
import type { DrillPlaybook } from '../domain/playbooks/drill-schema.ts';
import { checkReason } from '../domain/policy/index.ts';
import type { Actor, EngineRefusal, RunEngine } from '../runs/types.ts';
import type { Queryable } from '../store/db.ts';
import { suggest } from '../util/suggest.ts';
import { listDrillResults } from './drill-report.ts';
import type { DrillRunner } from './drill-runner.ts';
import { type Drill, DrillBusyError, type DrillStore, newDrillId } from './drill-store.ts';

/** A person asking for a drill, as the edge parsed it. */
export interface DrillRequest {
  scenario: string;
  service: string;
  /** Default: the catalog's default environment. */
  env?: string | undefined;
  durationSeconds: number;
  dependency?: string | undefined;
  reason?: string | undefined;
  /** What the person typed: the policy's reason check reads their own words. */
  typed: string;
  requester: Actor;
  /** Where the fault run's message goes. */
  channel: string;
}

/**
 * Why a drill did not start: `invalid` (the request must change), `denied` (policy, or a drill
 * already running there), `unpublished` (its message could not be posted; its run cancelled).
 */
export type DrillRefusal = 'invalid' | 'denied' | 'unpublished';

export type DrillStart =
  | { ok: true; drill: Drill; runId: string; waitingFor: 'approval' | 'confirm' }
  | { ok: false; refusal: DrillRefusal; message: string; runId?: string };

/** Posts a drill's live message; where it went, or undefined when it could not be posted. */
export type PublishDrill = (drill: Drill) => Promise<{ channel: string; ts: string } | undefined>;

/** Drills as commands and state: start, abort, retry the restore, report. No Slack in it. */
export interface DrillService {
  /** Plans the drill, asks the engine for its fault run, stores, publishes and begins it. */
  start(request: DrillRequest, publish: PublishDrill): Promise<DrillStart>;
  /** Stops a drill (and restores) for someone allowed to. */
  abort(drillId: string, actor: Actor): Promise<{ ok: boolean; message: string }>;
  /** Tries a failed restore again, for someone allowed to. */
  retry(drillId: string, actor: Actor): Promise<{ ok: boolean; message: string }>;
  /** Finished drills since a time, newest first, of one service or of all. */
  report(query: { service?: string | undefined; since: Date }): Promise<DrillResult[]>;
}

export interface DrillServiceDeps {
  /** Drill scenarios by id (`kind: drill` playbooks). */
  scenarios: Map<string, DrillPlaybook>;
  catalog: Catalog;
  engine: Pick<RunEngine, 'requirements' | 'request' | 'cancel' | 'permits' | 'authorize'>;
  store: DrillStore;
  runner: DrillRunner;
  db: Queryable;
  clock: () => Date;
}

const INVALID: ReadonlySet<EngineRefusal> = new Set([
  'reason_required',
  'invalid_params',
  'plan_failed',
]);

function refused(refusal: DrillRefusal, message: string, runId?: string): DrillStart {
  return { ok: false, refusal, message, ...(runId ? { runId } : {}) };
}

/** The drills service over the engine (which decides policy), the drill store and the runner. */
export function createDrillService(deps: DrillServiceDeps): DrillService {
  /**
   * Who may stop a drill or retry its restore: its requester, anyone the `drill` policy lets
   * run drills there, or who may stop its fault run. Never only the person who started it.
   */
  async function mayAct(drillId: string, actor: Actor): Promise<string | undefined> {
    const drill = await deps.store.get(drillId);
    if (!drill) return `Drill \`${drillId}\` is not known here.`;
    if (drill.requester === actor.id) return undefined;
    const target = drill.plan.faultTarget;
    if ((await deps.engine.permits({ verb: 'drill', target, actor })).ok) return undefined;
    if ((await deps.engine.authorize(drill.faultRun, actor, 'abort')).ok) return undefined;
    return `Only <@${drill.requester}>, who started drill \`${drillId}\`, or someone who may run or approve drills in \`${drill.env}\` can do that.`;
  }

  async function start(request: DrillRequest, publish: PublishDrill): Promise<DrillStart> {
    const { scenario, service } = request;
    const playbook = deps.scenarios.get(scenario);
    if (!playbook) {
      const known = [...deps.scenarios.keys()];
      const close = suggest(scenario, known);
      return refused(
        'invalid',
        `There is no drill scenario \`${scenario}\`; known: ${known.join(', ') || '(none)'}.${close ? ` Did you mean \`${close}\`?` : ''} Scenarios live in \`playbooks/drills/\`.`,
      );
    }
    const env = request.env ?? deps.catalog.defaults.environment;
    const planned = planDrill(playbook, deps.catalog, {
      service,
      env,
      durationSeconds: request.durationSeconds,
      ...(request.dependency !== undefined ? { dependency: request.dependency } : {}),
    });
    if (!planned.ok) {
      return refused(playbook.environments.includes(env) ? 'invalid' : 'denied', planned.message);
    }
    const plan = planned.plan;
    const busy = (await deps.store.unfinished()).find(
      (d) => d.service === service && d.env === env,
    );
    if (busy) {
      return refused(
        'denied',
        `Drill \`${busy.id}\` (\`${busy.scenario}\`) is still ${busy.state.replace('_', ' ')} on \`${service}/${env}\`; one drill at a time per service.`,
      );
    }
    const { reason, requester } = request;
    // The engine checks the run's whole reason; the person's own words must satisfy the policy.
    const rules = deps.engine.requirements({
      verb: 'drill',
      target: plan.faultTarget,
      actions: plan.faultSteps.map((s) => s.action),
    });
    const reasonCheck = rules
      ? checkReason({ requirements: rules, reason, typed: request.typed })
      : { ok: true as const };
    if (!reasonCheck.ok) return refused('invalid', reasonCheck.message);
    const outcome = await deps.engine.request({
      verb: 'drill',
      target: plan.faultTarget,
      requester,
      reason: `Drill ${playbook.id} on ${service}/${env}${reason ? `: ${reason}` : ''}`,
      steps: plan.faultSteps,
      channel: request.channel,
    });
    if (!outcome.ok) {
      return refused(INVALID.has(outcome.code) ? 'invalid' : 'denied', outcome.message);
    }
    const runId = outcome.view.run.id;
    plan.faultSummary = (outcome.view.plans ?? []).map((p) =>
      [p.summary, p.affected, ...(p.warnings ?? [])].filter(Boolean).join(' · '),
    );
    plan.blastRadius = recountPodKill(plan.faultSteps, plan.blastRadius, outcome.view.run.steps);
    // The drill's lease first: no other bot's recovery can take a drill this one is beginning.
    const id = newDrillId();
    await deps.runner.claim(id);
    let drill: Drill;
    try {
      drill = await deps.store.create({
        id,
        scenario: playbook.id,
        service,
        env,
        requester: requester.id,
        ...(reason ? { reason } : {}),
        plan,
        faultRun: runId,
        createdAt: deps.clock(),
      });
    } catch (error) {
      await deps.runner.release(id);
      await deps.engine.cancel(runId, requester);
      if (!(error instanceof DrillBusyError)) throw error;
      return refused('denied', `${error.message}; one drill at a time per service.`);
    }
    const posted = await publish(drill);
    if (!posted) {
      await deps.runner.release(drill.id);
      await deps.engine.cancel(runId, requester);
      return refused('unpublished', `The drill's message could not be posted.`, runId);
    }
    await deps.store.attach(drill.id, posted);
    deps.runner.begin({ ...drill, message: posted });
    const waitingFor = outcome.view.waitingFor === 'approval' ? 'approval' : 'confirm';
    return { ok: true, drill, runId, waitingFor };
  }

  return {
    start,
    async abort(drillId, actor) {
      const refusal = await mayAct(drillId, actor);
      return refusal ? { ok: false, message: refusal } : deps.runner.abort(drillId, actor.id);
    },
    async retry(drillId, actor) {
      const refusal = await mayAct(drillId, actor);
      return refusal ? { ok: false, message: refusal } : deps.runner.retry(drillId, actor.id);
    },
    report: (query) => listDrillResults(deps.db, query),
  };
}
