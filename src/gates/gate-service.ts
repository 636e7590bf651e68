import type { CommandSpec } from '../config/schema.ts';
import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { mayRequest, type RoleDirectory } from '../domain/policy/index.ts';
import type { Evidence } from '../evidence/evidence-service.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { ManifestSources } from './build-manifest.ts';
import type { GateRun, GateStore } from './gate-store.ts';
import { createGatePublishing, type GateRefusal, type Published } from './publish-gate.ts';
import { type CheckSources, runGateChecks } from './run-checks.ts';
import { createSignOffs } from './sign-off-gate.ts';
import { resultsDigest } from './sign-offs.ts';
import { createWaivers } from './waive-gate.ts';

export type { GateRefusal, GateState, Published } from './publish-gate.ts';

export interface GateServiceDeps {
  /** Gate sets by id (`kind: gate` playbooks). */
  sets: Map<string, GatePlaybook>;
  sources: CheckSources;
  store: GateStore;
  ledger: Pick<Ledger, 'append'>;
  evidence: Pick<Evidence, 'record'>;
  manifest: ManifestSources;
  roles: RoleDirectory;
  /** `commands/gate.yml`: who may ask for (and so re-run) a gate evaluation. */
  spec?: CommandSpec | undefined;
}

/** A release to evaluate against a gate set, and who asks. */
export interface GateRequest {
  setId: string;
  service: string;
  env: string;
  version: string;
  requester: string;
}

/**
 * The gate capability without any chat: evaluate a release against a gate set, re-run it, sign
 * off, waive, expire waivers. Every change is stored, written to the ledger, and each new GO /
 * NO-GO is recorded as a signed manifest; callers (Slack, the CLI) render what comes back.
 */
export function createGateService(deps: GateServiceDeps) {
  const { store, sets } = deps;
  const publishing = createGatePublishing(deps);

  /** A stored evaluation and its gate set, or the reason there is none (for the person). */
  async function findGate(id: string): Promise<{ run: GateRun; set: GatePlaybook } | string> {
    const run = /^g_[0-9a-f]{12}$/.test(id) ? await store.get(id) : undefined;
    const set = run && sets.get(run.setId);
    if (!run || !set) {
      return `Gate evaluation \`${id}\` is not known here: use the \`g_…\` id at the foot of a gate message, or run \`/mc gate\` again.`;
    }
    return { run, set };
  }

  async function check(subject: Pick<GateRun, 'service' | 'env' | 'version'>, set: GatePlaybook) {
    const results = await runGateChecks(set, subject, deps.sources);
    return { results, digest: resultsDigest(results), evaluatedAt: deps.sources.clock() };
  }

  /** The gate set a request names, or the refusal that lists the known ones. */
  function setOf(setId: string): GatePlaybook | GateRefusal {
    const set = sets.get(setId);
    if (set) return set;
    const known = [...sets.keys()].join(', ') || '(none)';
    return {
      refused: `There is no gate set \`${setId}\`; known: ${known}. Gate sets live in \`playbooks/gates/\`.`,
      outcome: 'invalid',
    };
  }

  /**
   * Runs the set's checks for a release and stores the evaluation (not yet published: the
   * caller may attach a message first). With `policy`, the requester must be someone
   * `commands/gate.yml` lets ask for the environment.
   */
  async function open(
    request: GateRequest,
    options: { policy: boolean },
  ): Promise<{ run: GateRun; set: GatePlaybook } | GateRefusal> {
    const set = setOf(request.setId);
    if ('refused' in set) return set;
    if (options.policy) {
      const roles = await deps.roles.rolesOf(request.requester);
      const allowed = deps.spec
        ? mayRequest({ spec: deps.spec, env: request.env, roles })
        : undefined;
      if (allowed && !allowed.ok) return { refused: allowed.message, outcome: 'denied' };
    }
    const run = await store.create({ ...request, ...(await check(request, set)) });
    return { run, set };
  }

  /** Why `userId` may not re-run `run`: its requester, or someone the gate policy lets ask. */
  async function whyNotRerun(run: GateRun, userId: string): Promise<string | undefined> {
    if (run.requester === userId || !deps.spec) return undefined;
    const roles = await deps.roles.rolesOf(userId).catch(() => new Set<string>());
    const allowed = mayRequest({ spec: deps.spec, env: run.env, roles });
    return allowed.ok ? undefined : `${allowed.message} Re-running could invalidate sign-offs.`;
  }

  /** Evaluates a stored gate again for `userId`; a changed result invalidates sign-offs. */
  async function rerun(id: string, userId: string): Promise<Published | GateRefusal> {
    const found = await findGate(id);
    if (typeof found === 'string') return { refused: found, outcome: 'invalid' };
    const refusal = await whyNotRerun(found.run, userId);
    if (refusal) return { refused: `${refusal} Nothing was re-run.`, outcome: 'denied' };
    const fresh = await check(found.run, found.set);
    await store.reevaluated(found.run.id, fresh.results, fresh.digest, fresh.evaluatedAt);
    return publishing.publish({ ...found.run, ...fresh }, found.set, {
      actor: userId,
      kind: 'gate.evaluated',
    });
  }

  /** Opens and publishes an evaluation in one go (the CLI and CI: no message to attach). */
  async function evaluate(request: GateRequest): Promise<Published | GateRefusal> {
    const opened = await open(request, { policy: false });
    if ('refused' in opened) return opened;
    return publishing.publish(opened.run, opened.set, {
      actor: request.requester,
      kind: 'gate.evaluated',
    });
  }

  const parts = { ...deps, findGate, publish: publishing.publish };
  return {
    sets,
    findGate,
    open,
    evaluate,
    rerun,
    /** Remembers where an evaluation's message is, so later changes edit it. */
    attach: (id: string, message: { channel: string; ts: string }) => store.attach(id, message),
    /** The evaluation as stored now: decision, sign-offs, waivers. */
    state: publishing.state,
    publish: publishing.publish,
    nextExpiry: () => store.nextExpiry(),
    ...createSignOffs(parts),
    ...createWaivers(parts),
  };
}
export type GateService = ReturnType<typeof createGateService>;
