import type { ActionRegistry } from '../actions/registry.ts';
import type { ActionContext } from '../actions/types.ts';
import type { Catalog, CommandSpec } from '../config/schema.ts';
import { freezeDecision } from '../domain/deploys/freeze.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import { type Finding, planFinding } from '../findings/index.ts';
import type { Actor, RunEngine } from '../runs/types.ts';
import { resolveDeployImage } from './resolve-deploy-image.ts';

/** The action a deploy run consists of. */
export const DEPLOY_ACTION = 'k8s.set-image';

export interface DeployServiceDeps {
  engine: Pick<RunEngine, 'requirements' | 'request'>;
  actions: ActionRegistry;
  actionContext: (actor: Actor) => ActionContext;
  ledger: Pick<Ledger, 'append'>;
  clock: () => Date;
}

/** A deploy as asked for: who, what, where, and whether to plan only. */
export interface DeployRequest {
  catalog: Catalog;
  /** `commands/deploy.yml`: its approvers may override a freeze when the catalog names none. */
  spec: CommandSpec | undefined;
  actor: Actor;
  service: string;
  env: string;
  version: string;
  reason: string | undefined;
  override: boolean;
  /** `--commit`/`--commit-at`: where lead time starts (DORA). */
  commit: { commit?: string; commitAt?: string };
  dryRun: boolean;
  channel: string;
  /** The command as typed, so a refusal can quote it whole for copying. */
  typed?: string;
}

/** What became of a deploy request. */
export type DeployOutcome =
  | { kind: 'invalid' | 'denied'; message: string; code?: string }
  | { kind: 'dry-run'; finding: Finding }
  | { kind: 'planned'; runId: string; image: string; overrideNote?: string };

/**
 * Roles whose approval may override a freeze: the environment's `freezeOverrideRoles` in
 * catalog.yml; absent, the command policy's own approvers there, when it has any.
 */
function overrideRoles(request: DeployRequest): string[] {
  const declared = request.catalog.environments[request.env]?.freezeOverrideRoles;
  if (declared) return [...declared];
  const rule = request.spec?.policy.environments[request.env];
  return rule && rule.approvals.count > 0 && !rule.selfApproval ? [...rule.approvals.roles] : [];
}

/** What is wrong with `--commit`/`--commit-at`, if anything. */
function checkCommit(c: DeployRequest['commit']): string | undefined {
  if (c.commit !== undefined && !/^[0-9a-f]{7,64}$/.test(c.commit)) {
    return `\`--commit ${c.commit}\` is not a commit sha: give 7 to 64 hex digits, like \`--commit 3f1c2b8\`.`;
  }
  if (
    c.commitAt !== undefined &&
    !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(c.commitAt)
  ) {
    return `\`--commit-at ${c.commitAt}\` is not a time: give ISO-8601 with an offset, like \`--commit-at 2026-11-02T08:00:00Z\`.`;
  }
  return undefined;
}

/**
 * Plans a deploy: a one-step `k8s.set-image` run (a bare version keeps the running image's
 * repository). During a change freeze the deploy is refused, or with an override and a reason
 * planned for an approver who may override it; both are recorded in the ledger.
 */
export async function requestDeploy(
  deps: DeployServiceDeps,
  d: DeployRequest,
): Promise<DeployOutcome> {
  const commitProblem = checkCommit(d.commit);
  if (commitProblem) return { kind: 'invalid', message: commitProblem };
  let image: string;
  try {
    const ctx = deps.actionContext(d.actor);
    ({ image } = await resolveDeployImage({ ...d, kube: ctx.kube }));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', message: `The deploy cannot be planned: ${why}` };
  }
  const target = { service: d.service, env: d.env };
  // What the engine would require: the verb's policy and the environment's baseline.
  const requirements = deps.engine.requirements({
    verb: 'deploy',
    target,
    actions: [DEPLOY_ACTION],
  });
  if (!requirements) throw new Error('/mc deploy has no command spec');
  const freeze = freezeDecision({
    catalog: d.catalog,
    env: d.env,
    now: deps.clock(),
    kind: 'deploy',
    overrideRoles: overrideRoles(d),
    requirements,
    requester: d.actor.id,
    ...(d.override ? { override: { reason: d.reason } } : {}),
  });
  const params = { service: d.service, env: d.env, image, ...d.commit };
  if (d.dryRun) {
    const action = deps.actions.get(DEPLOY_ACTION);
    const plan = await action
      .plan(deps.actionContext(d.actor), params)
      .catch((e: unknown) => e as Error);
    if (plan instanceof Error) return { kind: 'invalid', message: plan.message };
    const finding = planFinding({
      verb: 'deploy',
      target,
      requester: d.actor.id,
      reason: d.reason,
      steps: [{ action: DEPLOY_ACTION, reversible: action.reversible, plan }],
      requirements,
      refusal: freeze.kind === 'refused' ? freeze.message : undefined,
    });
    return { kind: 'dry-run', finding };
  }
  if (freeze.kind === 'refused' || freeze.kind === 'needs_override') {
    const data = {
      service: d.service,
      env: d.env,
      image,
      reason: d.reason ?? null,
      freeze: freeze.freeze,
    };
    const kind =
      freeze.kind === 'refused' ? 'deploy.freeze-refused' : 'deploy.freeze-override-requested';
    await deps.ledger.append({
      actor: d.actor.id,
      kind,
      subject: `deploy:${d.service}/${d.env}`,
      data: JSON.parse(JSON.stringify(data)),
    });
    if (freeze.kind === 'refused') return { kind: 'denied', message: freeze.message };
  }
  const outcome = await deps.engine.request({
    verb: 'deploy',
    target,
    requester: d.actor,
    ...(d.reason ? { reason: d.reason } : {}),
    steps: [{ action: DEPLOY_ACTION, params }],
    channel: d.channel,
    ...(d.typed ? { typed: d.typed } : {}),
    // An override is approved by a freeze-override role, never by the requester.
    ...(freeze.kind === 'needs_override'
      ? {
          tighten: [
            {
              rule: {
                approvals: freeze.requirements.approvals,
                reasonRequired: true,
                selfApproval: false,
              },
              source: `freeze override (catalog.yml environments.${d.env}.freezeOverrideRoles)`,
            },
          ],
        }
      : {}),
  });
  if (!outcome.ok) {
    const invalid = ['reason_required', 'invalid_params', 'plan_failed'].includes(outcome.code);
    return { kind: invalid ? 'invalid' : 'denied', message: outcome.message, code: outcome.code };
  }
  return {
    kind: 'planned',
    runId: outcome.view.run.id,
    image,
    ...(freeze.kind === 'needs_override' ? { overrideNote: freeze.message } : {}),
  };
}
