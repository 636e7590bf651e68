import { decideGate } from '../../domain/gates/decide-gate.ts';
import { partitionSignOffs, resultsDigest, signOffRefusal } from '../../domain/gates/sign-offs.ts';
import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import { mayRequest, type RoleDirectory } from '../../domain/policy/index.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import type { GateRun, GateStore } from '../../gates/gate-store.ts';
import { type CheckSources, runGateChecks } from '../../gates/run-checks.ts';
import type { CommandHandler } from '../commands/types.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import { reply, section } from '../render/blocks.ts';
import {
  GATE_RERUN_ACTION,
  GATE_SIGNOFF_ACTION,
  renderGateMessage,
} from '../render/gate-message.ts';
import type { SlackWebClient } from '../web-client.ts';

export interface GateHandlerDeps {
  sources: CheckSources;
  /** Gate sets by id (`kind: gate` playbooks). */
  sets: Map<string, GatePlaybook>;
  roles: RoleDirectory;
  ledger: Pick<Ledger, 'append'>;
  store: GateStore;
  client: SlackWebClient;
}

const tell = (request: Pick<ActionRequest, 'respond'>, text: string) =>
  request.respond(reply(text, [section(text)]));

/**
 * `/mc gate <service> <version> [--env E] [--set NAME]` runs the set's checks and posts ONE
 * message (each gate, each check, the decision, the sign-offs); Re-run evaluates again and
 * Sign off records a role holder's sign-off, both editing that message in place. Evaluations
 * and sign-offs are stored (a restart loses none) and recorded in the ledger.
 */
export function createGateHandlers(deps: GateHandlerDeps): {
  command: CommandHandler;
  actions: Record<string, ActionHandler>;
} {
  const subject = (run: GateRun) => `gate:${run.id}`;

  /** The message for a stored evaluation and its sign-offs, with the decision they give. */
  async function render(run: GateRun, set: GatePlaybook) {
    const signOffs = partitionSignOffs(await deps.store.signOffs(run.id), run.digest);
    const decision = decideGate({
      results: run.results,
      waivers: [],
      signOffs: signOffs.valid,
      requiredRoles: set.signoffs.roles,
      now: deps.sources.clock(),
    });
    const message = renderGateMessage({
      title: set.title,
      setId: set.id,
      gateId: run.id,
      service: run.service,
      env: run.env,
      version: run.version,
      requester: run.requester,
      decision,
      ranAt: run.evaluatedAt,
      signOffs,
    });
    return { message, decision };
  }

  async function evaluate(
    run: Omit<GateRun, 'id' | 'results' | 'digest' | 'evaluatedAt'>,
    set: GatePlaybook,
  ) {
    const results = await runGateChecks(set, run, deps.sources);
    return { results, digest: resultsDigest(results), evaluatedAt: deps.sources.clock() };
  }

  async function publish(
    run: GateRun,
    set: GatePlaybook,
    actor: string,
    kind: string,
    extra: Record<string, string> = {},
  ) {
    const { message, decision } = await render(run, set);
    await deps.ledger.append({
      actor,
      kind,
      subject: subject(run),
      data: {
        set: set.id,
        service: run.service,
        env: run.env,
        version: run.version,
        decision: decision.decision,
        headline: decision.headline,
        counts: { ...decision.counts },
        ...extra,
      },
    });
    if (run.message) {
      await deps.client.chat.update({
        channel: run.message.channel,
        ts: run.message.ts,
        text: message.text,
        blocks: message.blocks,
      });
    }
    return message;
  }

  const command: CommandHandler = async (request) => {
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
      return 'invalid';
    }
    const roles = await deps.roles.rolesOf(request.user.id);
    const allowed = spec ? mayRequest({ spec, env, roles }) : { ok: true as const };
    if (!allowed.ok) {
      await tell(request, allowed.message);
      return 'denied';
    }
    const base = {
      setId,
      service: parsed.service ?? '',
      env,
      version: parsed.args.version ?? '',
      requester: request.user.id,
    };
    const run = await deps.store.create({ ...base, ...(await evaluate(base, set)) });
    const message = await publish(run, set, request.user.id, 'gate.evaluated');
    const posted = await deps.client.chat.postMessage({
      channel: request.channelId,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    });
    if (posted.ok && posted.channel && posted.ts) {
      await deps.store.attach(run.id, { channel: posted.channel, ts: posted.ts });
    }
    return 'ok';
  };

  async function stored(request: ActionRequest, id: string) {
    const run = await deps.store.get(id);
    const set = run && deps.sets.get(run.setId);
    if (!run || !set) {
      await tell(request, `Gate evaluation \`${id}\` is not known here; run \`/mc gate\` again.`);
      return undefined;
    }
    return { run, set };
  }

  const rerun: ActionHandler = async (request) => {
    const found = await stored(request, request.value ?? '');
    if (!found) return;
    const fresh = await evaluate(found.run, found.set);
    await deps.store.reevaluated(found.run.id, fresh.results, fresh.digest, fresh.evaluatedAt);
    await publish({ ...found.run, ...fresh }, found.set, request.user.id, 'gate.evaluated');
  };

  const signOff: ActionHandler = async (request) => {
    const [id = '', role = ''] = (request.value ?? '').split('|');
    const found = await stored(request, id);
    if (!found) return;
    const { run, set } = found;
    const { valid } = partitionSignOffs(await deps.store.signOffs(run.id), run.digest);
    const refusal = signOffRefusal({
      role,
      by: request.user.id,
      holds: await deps.roles.rolesOf(request.user.id),
      requiredRoles: set.signoffs.roles,
      distinctPeople: set.signoffs.distinctPeople,
      valid,
    });
    if (refusal) {
      await tell(request, refusal);
      return;
    }
    try {
      await deps.store.addSignOff(run.id, {
        role,
        by: request.user.id,
        at: deps.sources.clock(),
        digest: run.digest,
      });
    } catch {
      await tell(request, `Somebody signed for \`${role}\` at the same moment; nothing changed.`);
      return;
    }
    await publish(run, set, request.user.id, 'gate.signed-off', { role });
  };

  const actions: Record<string, ActionHandler> = { [GATE_RERUN_ACTION]: rerun };
  for (const role of new Set([...deps.sets.values()].flatMap((s) => s.signoffs.roles))) {
    actions[`${GATE_SIGNOFF_ACTION}:${role}`] = signOff;
  }
  return { command, actions };
}
