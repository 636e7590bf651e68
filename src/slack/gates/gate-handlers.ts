import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import { mayRequest } from '../../domain/policy/index.ts';
import type { GateRun } from '../../gates/gate-store.ts';
import { runGateChecks } from '../../gates/run-checks.ts';
import { resultsDigest } from '../../gates/sign-offs.ts';
import type { CommandHandler, CommandRequest } from '../commands/types.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import { GATE_RERUN_ACTION, GATE_SIGNOFF_ACTION } from '../render/gate-message.ts';
import { findGate, type GateHandlerDeps, tell } from './gate-common.ts';
import { createGateSignOffs } from './gate-sign-offs.ts';
import { createGateWaivers } from './gate-waivers.ts';

export type { GateHandlerDeps } from './gate-common.ts';

/**
 * `/mc gate <service> <version> [--env E] [--set NAME]` runs the set's checks and posts ONE
 * message (each gate, each check, the decision, the sign-offs); Re-run evaluates again, Sign off
 * records a role holder's sign-off, `/mc gate waive` and `/mc gate signoff` add a waiver or a
 * commented sign-off; each edits that message in place. Everything is stored (a restart loses
 * nothing), in the ledger, and each new GO / NO-GO is a signed manifest linked in the thread.
 */
export function createGateHandlers(deps: GateHandlerDeps & { onWaiver?: () => void }): {
  command: CommandHandler;
  actions: Record<string, ActionHandler>;
  /** Re-decides every evaluation whose waiver expired; returns how many waivers it handled. */
  expireWaivers(): Promise<number>;
} {
  const { publisher } = deps;

  async function evaluate(
    run: Omit<GateRun, 'id' | 'results' | 'digest' | 'evaluatedAt'>,
    set: GatePlaybook,
  ) {
    const results = await runGateChecks(set, run, deps.sources);
    return { results, digest: resultsDigest(results), evaluatedAt: deps.sources.clock() };
  }

  /** Why `userId` may not re-run `run`: its requester, or someone the gate policy lets ask. */
  async function whyNotRerun(run: GateRun, userId: string): Promise<string | undefined> {
    if (run.requester === userId || !deps.spec) return undefined;
    const roles = await deps.roles.rolesOf(userId).catch(() => new Set<string>());
    const allowed = mayRequest({ spec: deps.spec, env: run.env, roles });
    return allowed.ok ? undefined : `${allowed.message} Re-running could invalidate sign-offs.`;
  }

  const signOffs = createGateSignOffs(deps);
  const waivers = createGateWaivers(deps);

  async function gate(request: CommandRequest) {
    const { command: parsed, spec, config } = request;
    const env = parsed.env ?? config.catalog.defaults.environment;
    const setId = String(parsed.flags.set ?? 'default');
    const set = deps.sets.get(setId);
    if (!set) {
      const known = [...deps.sets.keys()].join(', ') || '(none)';
      await tell(
        request,
        `There is no gate set \`${setId}\`; known: ${known}. Gate sets live in \`playbooks/gates/\`.`,
      );
      return 'invalid' as const;
    }
    const roles = await deps.roles.rolesOf(request.user.id);
    const allowed = spec ? mayRequest({ spec, env, roles }) : { ok: true as const };
    if (!allowed.ok) {
      await tell(request, allowed.message);
      return 'denied' as const;
    }
    const base = {
      setId,
      service: parsed.service ?? '',
      env,
      version: parsed.args.version ?? '',
      requester: request.user.id,
    };
    let run = await deps.store.create({ ...base, ...(await evaluate(base, set)) });
    const first = await publisher.render(run, set);
    const posted = await deps.client.chat.postMessage({
      channel: request.channelId,
      text: first.text,
      blocks: first.blocks,
      unfurl_links: false,
    });
    if (posted.ok && posted.channel && posted.ts) {
      const message = { channel: posted.channel, ts: posted.ts };
      await deps.store.attach(run.id, message);
      run = { ...run, message };
    }
    await publisher.publish(run, set, { actor: request.user.id, kind: 'gate.evaluated' });
    return 'ok' as const;
  }

  const command: CommandHandler = async (request) => {
    switch (request.command.subcommand) {
      case 'waive':
        return waivers.command(request);
      case 'signoff':
        return signOffs.command(request);
      default:
        return gate(request);
    }
  };

  const rerun: ActionHandler = async (request) => {
    const found = await findGate(deps, request.value ?? '');
    if (typeof found === 'string') {
      await tell(request, found);
      return;
    }
    // A re-run that changes results invalidates sign-offs: only who may ask for the gate.
    const refusal = await whyNotRerun(found.run, request.user.id);
    if (refusal) {
      request.log.info({ gate: found.run.id }, 'gate re-run refused');
      await tell(request, `${refusal} Nothing was re-run.`);
      return;
    }
    const fresh = await evaluate(found.run, found.set);
    await deps.store.reevaluated(found.run.id, fresh.results, fresh.digest, fresh.evaluatedAt);
    await publisher.publish({ ...found.run, ...fresh }, found.set, {
      actor: request.user.id,
      kind: 'gate.evaluated',
    });
  };

  const actions: Record<string, ActionHandler> = { [GATE_RERUN_ACTION]: rerun };
  for (const role of new Set([...deps.sets.values()].flatMap((s) => s.signoffs.roles))) {
    actions[`${GATE_SIGNOFF_ACTION}:${role}`] = signOffs.button;
  }
  return { command, actions, expireWaivers: waivers.expire };
}
