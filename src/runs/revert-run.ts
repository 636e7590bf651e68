import type { ActionPlan, Json } from '../actions/types.ts';
import { planHash } from '../domain/policy/index.ts';
import { kubeIdentityFor } from '../domain/rbac/kube-identity.ts';
import { type RunStep, revertOrder } from '../domain/runs/index.ts';
import { revertUntil } from './build-view.ts';
import { checkKubeAccess } from './check-kube-access.ts';
import { wrongPlace } from './check-origin.ts';
import { checkRequester } from './check-requester.ts';
import { createRun } from './create-run.ts';
import { type EngineCore, errorMessage } from './engine-core.ts';
import { formatAge, formatDuration } from './format-age.ts';
import { takeOverInterrupted } from './recover-runs.ts';
import { reverseSummary } from './reverse-summary.ts';
import { type Restore, readRun, type StoredRun, selectRuns } from './run-store.ts';
import { refuse } from './transition.ts';
import type { Actor, EngineOutcome, EngineRefusal } from './types.ts';

/** The diff of an undo: `-` and `+` swapped, removals first. */
function reverseDiff(diff: string[] = []): string[] {
  const swapped = diff.map((line) =>
    line.startsWith('- ')
      ? `+ ${line.slice(2)}`
      : line.startsWith('+ ')
        ? `- ${line.slice(2)}`
        : line,
  );
  return [
    ...swapped.filter((l) => l.startsWith('- ')),
    ...swapped.filter((l) => !l.startsWith('- ')),
  ];
}

/** Why a finished run cannot get a revert run now, or undefined when it can. */
async function whyNot(
  core: EngineCore,
  stored: StoredRun,
): Promise<[EngineRefusal, string] | undefined> {
  const { run } = stored;
  if (run.state !== 'succeeded' && run.state !== 'failed') {
    const hint = ['planned', 'awaiting_approval', 'approved'].includes(run.state)
      ? ' It has not run: cancel it instead.'
      : '';
    return [
      'wrong_state',
      `Run ${run.id} is ${run.state}; only a succeeded, failed or interrupted run can be reverted.${hint}`,
    ];
  }
  if (stored.restores) {
    return [
      'not_reversible',
      `Run ${run.id} undid run ${run.revertOf ?? '?'}; to go forward again, start a new run.`,
    ];
  }
  const until = revertUntil(stored, core.revertWindowMs);
  const now = core.clock();
  if (!until || until.getTime() <= now.getTime()) {
    const ended = stored.finishedAt
      ? `finished ${formatAge(now.getTime() - stored.finishedAt.getTime())}`
      : 'finished';
    return [
      'revert_window_closed',
      `Run ${run.id} ${ended}; its Revert button is only good for ${formatDuration(core.revertWindowMs)}. Start a new run for the state you want instead.`,
    ];
  }
  const [done] = await selectRuns(core.db, `revert_of = $1 AND state = 'succeeded'`, [run.id]);
  if (done) return ['wrong_state', `Run ${run.id} was already reverted by run ${done.run.id}.`];
  return undefined;
}

/**
 * revert(): a succeeded (or failed) run gets a NEW run, same verb and target, `revertOf` set,
 * whose steps undo the original's steps that changed the target, last first: step k calls
 * the original action's revert() with the original `before` (kept in `restores`). It goes
 * through the same policy (approvals again where needed). An interrupted run is reverted in
 * place instead: its lock is still held, and the steps that ran are undone.
 */
export async function revertRun(
  core: EngineCore,
  runId: string,
  actor: Actor,
): Promise<EngineOutcome> {
  const stored = await readRun(core.db, runId);
  if (!stored) return { ok: false, code: 'not_found', message: `There is no run ${runId}.` };
  if (stored.run.state === 'interrupted') return takeOverInterrupted(core, runId, actor, 'revert');
  const { run } = stored;
  const refusal = (code: EngineRefusal, message: string) =>
    refuse(core, undefined, { code, message, actor: actor.id, runId, data: { revert: true } });
  const place = wrongPlace(stored, actor);
  if (place) return refusal('wrong_place', place);
  const problem = await whyNot(core, stored);
  if (problem) return refusal(...problem);
  const order = revertOrder(run.steps);
  const notes = order.irreversible.map((i) => i.message);
  if (order.revert.length === 0) {
    return refusal(
      'not_reversible',
      notes.length
        ? `Nothing to revert in run ${run.id}. ${notes.join(' ')}`
        : `Run ${run.id} changed nothing; nothing to revert.`,
    );
  }
  const spec = core.commands.get(run.verb);
  if (!spec)
    return refusal(
      'not_allowed',
      `\`/mc ${run.verb}\` no longer exists, so its policy cannot be checked.`,
    );
  const reason = `Revert of run ${run.id}${run.reason ? ` (${run.reason})` : ''}`;
  const policy = await checkRequester(core, spec, run.target, actor.id, reason, {
    actions: order.revert.map((index) => run.steps[index]?.action ?? ''),
  });
  if (!policy.ok) return refusal(policy.code, policy.message);

  // A revert acts as whoever asks for it, as any run does.
  const who = kubeIdentityFor(core.catalog, run.target.env, actor.id);
  if (!who.ok) return refusal('not_allowed', who.message);
  const originals = order.revert.map((index) => run.steps[index] as RunStep);
  if (who.identity) {
    const ctx = core.actionContext(actor, who.identity);
    const denied = await checkKubeAccess(ctx, core.actions, originals, who.identity).catch(
      (error: unknown) => `Kubernetes could not check access: ${errorMessage(error)}`,
    );
    if (denied) return refusal('not_allowed', denied);
  }
  const restores: Restore[] = originals.map((s) => ({
    run: run.id,
    step: s.index,
    before: (s.before ?? s.intent?.before ?? null) as Json,
    after: (s.after ?? s.intent?.after ?? null) as Json,
  }));
  const steps: RunStep[] = originals.map((s, i) => ({
    index: i,
    action: s.action,
    params: s.params,
    reversible: false,
    plan: `Undo step ${s.index + 1} of run ${run.id}: ${reverseSummary(s.plan)}`,
    state: 'pending',
  }));
  const plans: ActionPlan[] = originals.map((s, i) => ({
    summary: steps[i]?.plan ?? s.plan,
    diff: reverseDiff(stored.plans[s.index]?.diff),
    ...(i === 0 && notes.length ? { warnings: notes } : {}),
  }));
  // The approval binds to what is restored, not only to the action and its params.
  const identity = steps.map((s, i) => ({
    action: s.action,
    params: { revertOf: run.id, ...restores[i], params: s.params },
  }));
  const outcome = await createRun(core, {
    verb: run.verb,
    target: run.target,
    // The revert belongs where the run it undoes was asked for, whoever clicks.
    requester: stored.team ? { ...actor, origin: { ...actor.origin, team: stored.team } } : actor,
    reason,
    ...(stored.message
      ? { channel: stored.message.channel }
      : run.channel
        ? { channel: run.channel }
        : {}),
    revertOf: run.id,
    steps,
    plans,
    requirements: policy.requirements,
    restores,
    planHash: planHash({ verb: run.verb, target: run.target, steps: identity }),
    ...(who.identity ? { kubeIdentity: who.identity } : {}),
  });
  if (outcome.ok && notes.length)
    return {
      ...outcome,
      message: `${outcome.message ?? ''} Not undone: ${notes.join(' ')}`.trim(),
    };
  return outcome;
}
