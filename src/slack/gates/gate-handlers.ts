import { decideGate } from '../../domain/gates/decide-gate.ts';
import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import { mayRequest, type RoleDirectory } from '../../domain/policy/index.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import { type CheckSources, type GateSubject, runGateChecks } from '../../gates/run-checks.ts';
import type { CommandHandler } from '../commands/types.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import { reply, section } from '../render/blocks.ts';
import { GATE_RERUN_ACTION, renderGateMessage } from '../render/gate-message.ts';
import type { SlackWebClient } from '../web-client.ts';

export interface GateHandlerDeps {
  sources: CheckSources;
  /** Gate sets by id (`kind: gate` playbooks). */
  sets: Map<string, GatePlaybook>;
  roles: RoleDirectory;
  ledger: Pick<Ledger, 'append'>;
  client: SlackWebClient;
}

interface Rerun extends GateSubject {
  set: string;
  requester: string;
}

/**
 * `/mc gate <service> <version> [--env E] [--set NAME]` runs the set's checks and posts ONE
 * message with each gate, each check's result and the decision; Re-run evaluates again and
 * edits that message in place. Each evaluation is recorded in the ledger.
 */
export function createGateHandlers(deps: GateHandlerDeps): {
  command: CommandHandler;
  actions: Record<string, ActionHandler>;
} {
  async function evaluate(input: Rerun) {
    const set = deps.sets.get(input.set);
    if (!set) return undefined;
    const results = await runGateChecks(set, input, deps.sources);
    const decision = decideGate({
      results,
      waivers: [],
      signOffs: [],
      requiredRoles: set.signoffs.roles,
      now: deps.sources.clock(),
    });
    await deps.ledger.append({
      actor: input.requester,
      kind: 'gate.evaluated',
      subject: `gate:${input.service}:${input.env}:${input.version}`,
      data: {
        set: set.id,
        decision: decision.decision,
        counts: { ...decision.counts },
        headline: decision.headline,
      },
    });
    return renderGateMessage({
      title: set.title,
      setId: set.id,
      ...input,
      decision,
      ranAt: deps.sources.clock(),
      rerunValue: JSON.stringify(input),
    });
  }

  const command: CommandHandler = async (request) => {
    const { command: parsed, spec, config } = request;
    const service = parsed.service ?? '';
    const env = parsed.env ?? config.catalog.defaults.environment;
    const setId = String(parsed.flags.set ?? 'default');
    const version = parsed.args.version ?? '';
    if (!deps.sets.has(setId)) {
      const known = [...deps.sets.keys()].join(', ') || '(none)';
      await request.respond(
        reply(`No gate set ${setId}`, [
          section(
            `There is no gate set \`${setId}\`; known: ${known}. Gate sets live in \`playbooks/gates/\`.`,
          ),
        ]),
      );
      return 'invalid';
    }
    const roles = await deps.roles.rolesOf(request.user.id);
    const allowed = spec ? mayRequest({ spec, env, roles }) : { ok: true as const };
    if (!allowed.ok) {
      await request.respond(reply(allowed.message, [section(allowed.message)]));
      return 'denied';
    }
    const message = await evaluate({
      service,
      env,
      version,
      set: setId,
      requester: request.user.id,
    });
    if (!message) return 'error';
    await deps.client.chat.postMessage({
      channel: request.channelId,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    });
    return 'ok';
  };

  const rerun: ActionHandler = async (request) => {
    let input: Rerun;
    try {
      input = JSON.parse(request.value ?? '') as Rerun;
    } catch {
      await request.respond(
        reply('This Re-run button is broken.', [
          section('This Re-run button is broken; run `/mc gate` again.'),
        ]),
      );
      return;
    }
    const message = await evaluate({ ...input, requester: input.requester });
    if (!message || !request.channelId || !request.messageTs) return;
    await deps.client.chat.update({
      channel: request.channelId,
      ts: request.messageTs,
      text: message.text,
      blocks: message.blocks,
    });
  };

  return { command, actions: { [GATE_RERUN_ACTION]: rerun } };
}
