import { partitionSignOffs, signOffRefusal } from '../../gates/sign-offs.ts';
import type { CommandHandler } from '../commands/types.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import { findGate, type GateHandlerDeps, tell } from './gate-common.ts';

/** Longest sign-off comment kept; a longer one is refused, not cut. */
const MAX_COMMENT = 500;

/**
 * Sign-offs: the "Sign off as <role>" buttons and `/mc gate signoff <gate-id> <role>
 * [--comment …]`. Only a holder of a required role signs for it, once per role, one role per
 * person when the set wants distinct people; the sign-off is bound to the results it was given on.
 */
export function createGateSignOffs(deps: GateHandlerDeps) {
  async function signOff(
    request: Pick<ActionRequest, 'respond' | 'user'>,
    id: string,
    role: string,
    comment: string | undefined,
  ): Promise<boolean> {
    const found = await findGate(deps, id);
    if (typeof found === 'string') {
      await tell(request, found);
      return false;
    }
    if (comment !== undefined && comment.length > MAX_COMMENT) {
      await tell(
        request,
        `Your comment is ${comment.length} characters; keep it within ${MAX_COMMENT} and link to the details.`,
      );
      return false;
    }
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
      return false;
    }
    try {
      await deps.store.addSignOff(run.id, {
        role,
        by: request.user.id,
        at: deps.sources.clock(),
        digest: run.digest,
        ...(comment ? { comment } : {}),
      });
    } catch {
      await tell(request, `Somebody signed for \`${role}\` at the same moment; nothing changed.`);
      return false;
    }
    await deps.publisher.publish(run, set, {
      actor: request.user.id,
      kind: 'gate.signed-off',
      data: { role, ...(comment ? { comment } : {}) },
    });
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
