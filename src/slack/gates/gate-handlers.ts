import type { CommandHandler, CommandRequest } from '../commands/types.ts';
import type { ActionHandler } from '../listeners/action-listener.ts';
import { GATE_RERUN_ACTION, GATE_SIGNOFF_ACTION } from '../render/gate-message.ts';
import { tell } from '../slack-call.ts';
import type { GateEdgeDeps } from './gate-common.ts';
import { createGateSignOffs } from './gate-sign-offs.ts';
import { createGateWaivers } from './gate-waivers.ts';

export type { GateEdgeDeps } from './gate-common.ts';

/**
 * `/mc gate <service> <version> [--env E] [--set NAME]` asks the gate service for an evaluation
 * and posts ONE message (each gate, each check, the decision, the sign-offs); Re-run, Sign off,
 * `/mc gate waive` and `/mc gate signoff` call the service and edit that message in place.
 */
export function createGateHandlers(deps: GateEdgeDeps & { onWaiver?: () => void }): {
  command: CommandHandler;
  actions: Record<string, ActionHandler>;
  /** Re-decides every evaluation whose waiver expired; returns how many waivers it handled. */
  expireWaivers(): Promise<number>;
} {
  const { service, messages } = deps;
  const signOffs = createGateSignOffs(deps);
  const waivers = createGateWaivers(deps);

  async function gate(request: CommandRequest) {
    const { command: parsed, config } = request;
    const opened = await service.open(
      {
        setId: String(parsed.flags.set ?? 'default'),
        service: parsed.service ?? '',
        env: parsed.env ?? config.catalog.defaults.environment,
        version: parsed.args.version ?? '',
        requester: request.user.id,
      },
      { policy: true },
    );
    if ('refused' in opened) {
      await tell(request, opened.refused);
      return opened.outcome;
    }
    const { set } = opened;
    let { run } = opened;
    const first = await messages.render(run, set);
    const posted = await deps.client.chat.postMessage({
      channel: request.channelId,
      text: first.text,
      blocks: first.blocks,
      unfurl_links: false,
    });
    if (posted.ok && posted.channel && posted.ts) {
      const message = { channel: posted.channel, ts: posted.ts };
      await service.attach(run.id, message);
      run = { ...run, message };
    }
    await messages.show(
      await service.publish(run, set, { actor: request.user.id, kind: 'gate.evaluated' }),
    );
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
    const done = await service.rerun(request.value ?? '', request.user.id);
    if ('refused' in done) {
      if (done.outcome === 'denied')
        request.log.info({ gate: request.value }, 'gate re-run refused');
      await tell(request, done.refused);
      return;
    }
    await messages.show(done);
  };

  const actions: Record<string, ActionHandler> = { [GATE_RERUN_ACTION]: rerun };
  for (const role of new Set([...service.sets.values()].flatMap((s) => s.signoffs.roles))) {
    actions[`${GATE_SIGNOFF_ACTION}:${role}`] = signOffs.button;
  }
  return { command, actions, expireWaivers: waivers.expire };
}
