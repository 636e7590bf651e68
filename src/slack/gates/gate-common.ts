import type { CommandSpec } from '../../config/schema.ts';
import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import type { RoleDirectory } from '../../domain/policy/index.ts';
import type { GateRun, GateStore } from '../../gates/gate-store.ts';
import type { CheckSources } from '../../gates/run-checks.ts';
import type { ActionRequest } from '../listeners/action-listener.ts';
import { reply, section } from '../render/blocks.ts';
import type { SlackWebClient } from '../web-client.ts';
import type { GatePublisher } from './gate-publisher.ts';

export interface GateHandlerDeps {
  sources: CheckSources;
  /** Gate sets by id (`kind: gate` playbooks). */
  sets: Map<string, GatePlaybook>;
  roles: RoleDirectory;
  /** `commands/gate.yml`: who may ask for (and so re-run) a gate evaluation. */
  spec?: CommandSpec | undefined;
  store: GateStore;
  publisher: GatePublisher;
  client: SlackWebClient;
}

/** Answers only the person who typed or clicked. */
export const tell = (request: Pick<ActionRequest, 'respond'>, text: string) =>
  request.respond(reply(text, [section(text)]));

/** A stored evaluation and its gate set, or the reason there is none (for the person). */
export async function findGate(
  deps: Pick<GateHandlerDeps, 'store' | 'sets'>,
  id: string,
): Promise<{ run: GateRun; set: GatePlaybook } | string> {
  const run = /^g_[0-9a-f]{12}$/.test(id) ? await deps.store.get(id) : undefined;
  const set = run && deps.sets.get(run.setId);
  if (!run || !set) {
    return `Gate evaluation \`${id}\` is not known here: use the \`g_…\` id at the foot of a gate message, or run \`/mc gate\` again.`;
  }
  return { run, set };
}
