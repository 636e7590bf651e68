import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployOutcome } from '../domain/deploys/deploy-record.ts';
import { describeVerdict } from '../domain/deploys/describe-verification.ts';
import type { WindowState } from '../domain/deploys/verification-window.ts';
import type { AfterSteps, AfterStepsContext, AfterStepsOutcome } from '../runs/after-steps-hook.ts';
import type { Actor, RunPause, RunView } from '../runs/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { DeployLog } from './deploy-log.ts';
import { recordAutoRollback } from './record-failed-change.ts';
import {
  runVerification,
  type VerificationOutcome,
  type WindowProgress,
} from './run-verification.ts';
import type { CanaryDecision } from './verification-argo.ts';
import { type CanaryOptions, createCanaries } from './verification-canary.ts';
import { carriedWindow, windowCheckpoint } from './verification-checkpoint.ts';
import { describeChange } from './verification-deploy.ts';
import {
  memoryPauseStore,
  type PauseStore,
  type StoredPause,
  type VerificationDecision,
} from './verification-pauses.ts';
import { canarySummary, skippedSummary, sloSummary } from './verification-summary.ts';

export type { VerificationDecision } from './verification-pauses.ts';

export interface VerificationOptions extends CanaryOptions {
  catalog: Catalog;
  /** Absent: deploys are recorded but not watched (nothing to ask). */
  prometheus?: Pick<PrometheusClient, 'query' | 'graphUrl'>;
  deployLog: Pick<DeployLog, 'recordDeploy' | 'finishDeploy' | 'deploysOfRun'>;
  log: Logger;
  /** Where pauses are kept so a restart leaves them decidable. Default: memory only. */
  pauses?: PauseStore;
  clock?: () => Date;
  /** Between evaluations. Default 30 s. */
  intervalMs?: number;
  /** Consecutive healthy intervals that promote. Default 3. */
  required?: number;
  maxIntervals?: number;
  /** How long a paused window waits for its requester; then it rolls back. Default 1 h. */
  decisionTimeoutMs?: number;
  /** How often a paused window looks for a decision stored by another replica. Default 1 s. */
  decisionPollMs?: number;
}

/** The verification window as the engine's after-steps hook, plus the pause's decisions. */
export interface Verification extends AfterSteps {
  /**
   * The requester's Continue / Roll back on a paused run; a refusal is a message for them.
   * `resume`: no window here waits for it (a restart, or another replica watches it) and the
   * decision is stored; an interrupted run must be resumed (engine.resume) for its window to
   * act on it, while a live replica's window finds the stored decision by itself.
   */
  decide(
    runId: string,
    actor: Actor,
    decision: VerificationDecision | CanaryDecision,
  ): Promise<{ ok: true; resume?: boolean } | { ok: false; message: string }>;
}

/** Verbs whose runs change the running release and get a window. */
const WATCHED: Record<string, 'deploy' | 'rollback'> = { deploy: 'deploy', rollback: 'rollback' };
/** A person may Continue a paused window this many times before it stops asking. */
const MAX_PAUSES = 5;

interface Waiting extends RunPause {
  resolve(decision: { decision: VerificationDecision; by: string } | undefined): void;
}

/**
 * After a deploy or rollback rolled out: records it in the deploy log and watches the
 * service's SLO checks. Healthy promotes; a breach rolls a deploy back (a rollback that
 * breaches is left failed for a person: undoing it would bring the bad release back);
 * inconclusive pauses for the requester's Continue / Roll back, never promotes.
 */
export function createVerification(options: VerificationOptions): Verification {
  const waiting = new Map<string, Waiting>();
  const canaries = createCanaries(options);
  const pauses = options.pauses ?? memoryPauseStore();
  const clock = options.clock ?? (() => new Date());

  async function waitForDecision(ctx: AfterStepsContext, reason: string, state: WindowState) {
    const runId = ctx.run.id;
    const decider = ctx.run.requester;
    await pauses.save({ runId, decider, reason, state, pausedAt: clock() });
    return new Promise<{ decision: VerificationDecision; by: string } | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), options.decisionTimeoutMs ?? 3_600_000);
      timer.unref();
      // A click that landed on another replica is stored there: look for it now and then.
      const poll = setInterval(() => {
        pauses
          .read(runId)
          .then((p) => p?.decision && done(p.decision))
          .catch((error: unknown) =>
            options.log.warn({ err: error, run: runId }, 'reading a pause failed'),
          );
      }, options.decisionPollMs ?? 1_000);
      poll.unref();
      function done(d: { decision: VerificationDecision; by: string } | undefined) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(d);
      }
      waiting.set(runId, { reason, decider: ctx.run.requester, resolve: done });
      ctx.changed();
    }).finally(() => {
      waiting.delete(runId);
    });
  }

  /**
   * The window; `stored`: a pause from before a restart, decided or still waiting; `carried`:
   * a window a dead bot was running, continued here with the time it had left.
   */
  async function watch(
    ctx: AfterStepsContext,
    kind: 'deploy' | 'rollback',
    stored?: StoredPause,
    carried?: WindowProgress,
  ) {
    const { run } = ctx;
    const service = options.catalog.services[run.target.service];
    const checks = (service?.slo ?? []).map(({ name, query, comparison, threshold }) => ({
      name,
      query,
      comparison,
      threshold,
    }));
    const prometheus = options.prometheus;
    if (!prometheus || checks.length === 0) return undefined;
    let resume: WindowState | undefined;
    let pending = stored;
    const save = async (data: unknown) => ctx.saveCheckpoint?.(data);
    for (let pause = 0; ; pause++) {
      if (pending) {
        const outcome = pausedOutcome(pending.state, clock());
        const verdict = describeVerdict(outcome.state);
        if (!pending.decision) {
          ctx.progress(
            `${verdict.join(' · ')} · waiting for <@${run.requester}>: Continue or Roll back`,
          );
        }
        const decided =
          pending.decision ?? (await waitForDecision(ctx, pending.reason, pending.state));
        pending = undefined;
        const next = await afterDecision(ctx, decided, outcome, verdict);
        if (next) return next;
        resume = outcome.state;
        continue;
      }
      const outcome: VerificationOutcome = await runVerification({
        checks,
        prometheus,
        ...(options.intervalMs === undefined ? {} : { interval: options.intervalMs }),
        ...(options.required === undefined ? {} : { required: options.required }),
        ...(options.maxIntervals === undefined ? {} : { maxIntervals: options.maxIntervals }),
        onInterval: (report) => ctx.progress(`Verification ${report.line}`),
        log: options.log,
        ...(resume ? { resume } : {}),
        ...(carried ? { carried } : {}),
        ...(ctx.saveCheckpoint ? { checkpoint: (p) => save(windowCheckpoint(kind, p)) } : {}),
      });
      carried = undefined;
      // Ended (or paused for a person): nothing for another bot to continue.
      await save(null);
      const verdict = describeVerdict(outcome.state);
      await ctx.record('run.verification', {
        kind,
        status: outcome.status,
        verdict,
        intervals: outcome.intervals,
        ...(outcome.breach ? { breach: outcome.breach } : {}),
      });
      if (outcome.status !== 'inconclusive' || pause >= MAX_PAUSES) return { outcome, verdict };
      ctx.progress(
        `${verdict.join(' · ')} · waiting for <@${run.requester}>: Continue or Roll back`,
      );
      const decided = await waitForDecision(ctx, verdict.join(' · '), outcome.state);
      const next = await afterDecision(ctx, decided, outcome, verdict);
      if (next) return next;
      resume = outcome.state;
    }
  }

  /** Records the decision; a roll back (or no decision in time) ends the window. */
  async function afterDecision(
    ctx: AfterStepsContext,
    decided: { decision: VerificationDecision; by: string } | undefined,
    outcome: VerificationOutcome,
    verdict: string[],
  ) {
    await pauses.clear(ctx.run.id);
    await ctx.record(
      'run.verification.decision',
      { decision: decided?.decision ?? 'rollback', timedOut: decided === undefined },
      decided?.by,
    );
    if (decided?.decision !== 'continue') {
      const who = decided ? `<@${decided.by}> chose Roll back` : 'Nobody decided in time';
      return { outcome, verdict: [`${who} after an inconclusive verification`, ...verdict] };
    }
    ctx.progress('Verification continues');
    return undefined;
  }

  return {
    pausedFor(runId) {
      const canary = canaries.pausedFor(runId);
      if (canary) return canary;
      const found = waiting.get(runId);
      return found ? { reason: found.reason, decider: found.decider } : undefined;
    },
    async decide(runId, actor, decision) {
      if (decision === 'promote' || decision === 'abort')
        return canaries.decide(runId, actor, decision);
      const found = waiting.get(runId);
      const stored = found ? undefined : await pauses.read(runId);
      const decider = found?.decider ?? stored?.decider;
      if (!decider || stored?.decision) {
        return { ok: false, message: `Run ${runId} is not waiting for a verification decision.` };
      }
      if (decider !== actor.id) {
        return {
          ok: false,
          message: `Only <@${decider}>, who asked for run ${runId}, decides whether its verification continues.`,
        };
      }
      // Stored first: a second click, here or after a restart, finds it decided.
      if (!(await pauses.decide(runId, decision, actor.id, clock()))) {
        return { ok: false, message: `Run ${runId} is not waiting for a verification decision.` };
      }
      if (found) {
        found.resolve({ decision, by: actor.id });
        return { ok: true };
      }
      return { ok: true, resume: true };
    },
    async run(ctx): Promise<AfterStepsOutcome> {
      const kind = ctx.run.revertOf ? undefined : WATCHED[ctx.run.verb];
      if (!kind) return { kind: 'succeeded' };
      // A run resumed after a restart, paused before it: its record and window carry on.
      const stored = await pauses.read(ctx.run.id);
      const carried = carriedWindow(ctx.checkpoint, kind);
      const earlier =
        stored || carried
          ? (await options.deployLog.deploysOfRun(ctx.run.id)).find(
              (r) => r.kind === kind && r.outcome === 'verifying',
            )
          : undefined;
      const change = await describeChange(options.catalog, ctx.actionContext, ctx.run, kind);
      const record = earlier ?? (await options.deployLog.recordDeploy(change.record));
      const settled = (outcome: Exclude<DeployOutcome, 'verifying'>) => async (view?: RunView) => {
        const evidenceUrl = view?.evidenceUrl;
        await options.deployLog.finishDeploy(record.id, {
          outcome,
          ...(evidenceUrl ? { evidenceUrl } : {}),
        });
        // mc undid the change itself: triage must see that as a change of its own.
        if (outcome === 'rolled-back') await recordAutoRollback(options.deployLog, record, view);
      };
      if (change.kind === 'Rollout') {
        const canary = await canaries.follow(ctx, kind === 'rollback');
        // Argo's own analysis judged a deploy's canary; a rollback gets the SLO window below.
        if (canary.status === 'promoted' && kind === 'deploy') {
          const verification = canarySummary(
            'promoted',
            "Argo's canary analysis promoted it; no SLO window of mc's ran.",
          );
          return { kind: 'succeeded', settled: settled('succeeded'), verification };
        }
        if (canary.status === 'failed')
          return {
            kind: 'failed',
            reason: canary.reason,
            settled: settled('failed'),
            verification: canarySummary('failed', `The canary failed: ${canary.reason}`),
          };
        // Argo (or someone's Abort) sent traffic back to stable; undoing the image finishes it.
        if (canary.status === 'aborted')
          return {
            kind: 'revert',
            reason: canary.reason,
            verification: canarySummary('aborted', `The canary was aborted: ${canary.reason}`),
            settled: async (view) => {
              await options.deployLog.finishDeploy(record.id, {
                outcome: 'rolled-back',
                ...(view?.evidenceUrl ? { evidenceUrl: view.evidenceUrl } : {}),
              });
              await recordAutoRollback(options.deployLog, record, view, {
                ...(canary.by ? { by: canary.by } : {}),
              });
            },
          };
      }
      const watched = await watch(ctx, kind, earlier && stored, carried);
      if (!watched) {
        const why = options.prometheus
          ? `${ctx.run.target.service} has no SLO checks in the catalog`
          : 'PROMETHEUS_URL is not set';
        const verification = skippedSummary(why);
        return { kind: 'succeeded', settled: settled('succeeded'), verification };
      }
      const verification = sloSummary(watched.outcome);
      if (watched.outcome.status === 'healthy') {
        return { kind: 'succeeded', settled: settled('succeeded'), verification };
      }
      const reason = watched.verdict.join(' · ');
      const breached = watched.outcome.status === 'breached';
      if (kind === 'deploy')
        return { kind: 'revert', reason, settled: settled('rolled-back'), verification };
      if (!breached) return { kind: 'revert', reason, settled: settled('aborted'), verification };
      return { kind: 'failed', reason, settled: settled('failed'), verification };
    },
  };
}

/** A window paused before a restart, as the outcome of the run that paused it. */
function pausedOutcome(state: WindowState, at: Date): VerificationOutcome {
  return {
    status: 'inconclusive',
    intervals: [],
    reason: state.reason,
    state,
    startedAt: at,
    finishedAt: at,
  };
}
