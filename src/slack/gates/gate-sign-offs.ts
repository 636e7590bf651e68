import type { CommandHandler } from '../commands/types.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import { tell } from '../slack-call.ts';
import type { GateEdgeDeps } from './gate-common.ts';

/**
 * Sign-offs from Slack: the "Sign off as <role>" buttons and `/mc gate signoff <gate-id> <role>
 * [--comment …]`; the gate service decides, the gate message shows it.
 */
export function createGateSignOffs(deps: GateEdgeDeps) {
  async function signOff(
    request: Pick<ActionRequest, 'respond' | 'user'>,
    id: string,
    role: string,
    comment: string | undefined,
  ): Promise<boolean> {
    const done = await deps.service.signOff({ id, role, by: request.user.id, comment });
    if ('refused' in done) {
      await tell(request, done.refused);
      return false;
    }
    await deps.messages.show(done);
    return true;
  }

  const button: ActionHandler = async (request) => {
    const [id = '', role = ''] = (request.value ?? '').split('|');
    await signOff(request, id, role, undefined);
  };

  const command: CommandHandler = async (request) => {
    const { args, flags } = request.command;
    const id = args['gate-id'] ?? '';
    const role = args.role ?? '';
    const comment = typeof flags.comment === 'string' ? flags.comment.trim() : undefined;
    if (!(await signOff(request, id, role, comment || undefined))) return 'invalid';
    await tell(request, `Signed for \`${role}\` on \`${id}\`; the gate message shows it.`);
    return 'ok';
  };

  return { button, command };
}
