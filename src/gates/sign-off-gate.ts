import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import type { RoleDirectory } from '../domain/policy/index.ts';
import type { GateRun, GateStore } from './gate-store.ts';
import type { GateEvent, GateRefusal, Published } from './publish-gate.ts';
import { partitionSignOffs, signOffRefusal } from './sign-offs.ts';

/** Longest sign-off comment kept; a longer one is refused, not cut. */
const MAX_COMMENT = 500;

/** What sign-offs need from the gate service. */
export interface SignOffParts {
  store: GateStore;
  roles: RoleDirectory;
  sources: { clock: () => Date };
  findGate(id: string): Promise<{ run: GateRun; set: GatePlaybook } | string>;
  publish(run: GateRun, set: GatePlaybook, event: GateEvent): Promise<Published>;
}

/**
 * Sign-offs: only a holder of a required role signs for it, once per role, one role per person
 * when the set wants distinct people; the sign-off is bound to the results it was given on.
 */
export function createSignOffs(deps: SignOffParts) {
  /** Records `by`'s sign-off for `role` on gate `id`, or says why not. */
  async function signOff(input: {
    id: string;
    role: string;
    by: string;
    comment?: string | undefined;
  }): Promise<Published | GateRefusal> {
    const { role, by, comment } = input;
    const found = await deps.findGate(input.id);
    if (typeof found === 'string') return { refused: found, outcome: 'invalid' };
    if (comment !== undefined && comment.length > MAX_COMMENT) {
      return {
        refused: `Your comment is ${comment.length} characters; keep it within ${MAX_COMMENT} and link to the details.`,
        outcome: 'invalid',
      };
    }
    const { run, set } = found;
    const { valid } = partitionSignOffs(await deps.store.signOffs(run.id), run.digest);
    const refusal = signOffRefusal({
      role,
      by,
      holds: await deps.roles.rolesOf(by),
      requiredRoles: set.signoffs.roles,
      distinctPeople: set.signoffs.distinctPeople,
      valid,
    });
    if (refusal) return { refused: refusal, outcome: 'invalid' };
    try {
      await deps.store.addSignOff(run.id, {
        role,
        by,
        at: deps.sources.clock(),
        digest: run.digest,
        ...(comment ? { comment } : {}),
      });
    } catch {
      return {
        refused: `Somebody signed for \`${role}\` at the same moment; nothing changed.`,
        outcome: 'invalid',
      };
    }
    return deps.publish(run, set, {
      actor: by,
      kind: 'gate.signed-off',
      data: { role, ...(comment ? { comment } : {}) },
    });
  }

  return { signOff };
}
