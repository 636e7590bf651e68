import type { PrometheusClient } from '../adapters/prometheus/create-prometheus-client.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployLog } from '../deploys/deploy-log.ts';
import { runVerification, type VerificationOutcome } from '../deploys/run-verification.ts';
import type { DeployOutcome } from '../domain/deploys/deploy-record.ts';
import { describeVerdict } from '../domain/deploys/describe-verification.ts';
import type { WindowState } from '../domain/deploys/verification-window.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { AfterSteps, AfterStepsContext, AfterStepsOutcome, RunPause } from './after-steps.ts';
import type { Actor, RunView } from './types.ts';
import { describeChange } from './verification-deploy.ts';

export type VerificationDecision = 'continue' | 'rollback';

export interface VerificationOptions {
  catalog: Catalog;
  /** Absent: deploys are recorded but not watched (nothing to ask). */
  prometheus?: Pick<PrometheusClient, 'query' | 'graphUrl'>;
  deployLog: Pick<DeployLog, 'recordDeploy' | 'finishDeploy'>;
  log: Logger;
  /** Between evaluations. Default 30 s. */
  intervalMs?: number;
  /** Consecutive healthy intervals that promote. Default 3. */
  required?: number;
  maxIntervals?: number;
  /** How long a paused window waits for its requester; then it rolls back. Default 1 h. */
  decisionTimeoutMs?: number;
}

/** The verification window as the engine's after-steps hook, plus the pause's decisions. */
export interface Verification extends AfterSteps {
  /** The requester's Continue / Roll back on a paused run; a refusal is a message for them. */
  decide(
    runId: string,
    actor: Actor,
    decision: VerificationDecision,
  ): { ok: true } | { ok: false; message: string };
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

  function waitForDecision(ctx: AfterStepsContext, reason: string) {
    const runId = ctx.run.id;
    return new Promise<{ decision: VerificationDecision; by: string } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), options.decisionTimeoutMs ?? 3_600_000);
      timer.unref();
      waiting.set(runId, {
        reason,
        decider: ctx.run.requester,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
      ctx.changed();
    }).finally(() => {
      waiting.delete(runId);
    });
  }

  async function watch(ctx: AfterStepsContext, kind: 'deploy' | 'rollback') {
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
    for (let pause = 0; ; pause++) {
      const outcome: VerificationOutcome = await runVerification({
        checks,
        prometheus,
        ...(options.intervalMs === undefined ? {} : { interval: options.intervalMs }),
        ...(options.required === undefined ? {} : { required: options.required }),
        ...(options.maxIntervals === undefined ? {} : { maxIntervals: options.maxIntervals }),
        onInterval: (report) => ctx.progress(`Verification ${report.line}`),
        log: options.log,
        ...(resume ? { resume } : {}),
      });
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
      const decided = await waitForDecision(ctx, verdict.join(' · '));
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
      resume = outcome.state;
    }
  }

  return {
    pausedFor(runId) {
      const found = waiting.get(runId);
      return found ? { reason: found.reason, decider: found.decider } : undefined;
    },
    decide(runId, actor, decision) {
      const found = waiting.get(runId);
      if (!found) {
        return { ok: false, message: `Run ${runId} is not waiting for a verification decision.` };
      }
      if (found.decider !== actor.id) {
        return {
          ok: false,
          message: `Only <@${found.decider}>, who asked for run ${runId}, decides whether its verification continues.`,
        };
      }
      found.resolve({ decision, by: actor.id });
      return { ok: true };
    },
    async run(ctx): Promise<AfterStepsOutcome> {
      const kind = ctx.run.revertOf ? undefined : WATCHED[ctx.run.verb];
      if (!kind) return { kind: 'succeeded' };
      const change = await describeChange(options.catalog, ctx.actionContext, ctx.run, kind);
      const record = await options.deployLog.recordDeploy(change.record);
      const settled = (outcome: Exclude<DeployOutcome, 'verifying'>) => async (view?: RunView) => {
        const evidenceUrl = view?.evidenceUrl;
        await options.deployLog.finishDeploy(record.id, {
          outcome,
          ...(evidenceUrl ? { evidenceUrl } : {}),
        });
      };
      // Argo Rollouts run their own analysis; this window watches Deployments.
      const watched = change.kind === 'Deployment' ? await watch(ctx, kind) : undefined;
      if (!watched || watched.outcome.status === 'healthy') {
        return { kind: 'succeeded', settled: settled('succeeded') };
      }
      const reason = watched.verdict.join(' · ');
      const breached = watched.outcome.status === 'breached';
      if (kind === 'deploy') return { kind: 'revert', reason, settled: settled('rolled-back') };
      if (!breached) return { kind: 'revert', reason, settled: settled('aborted') };
      return { kind: 'failed', reason, settled: settled('failed') };
    },
  };
}
