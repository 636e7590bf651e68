import type { CommandHandlers } from '../slack/commands/types.ts';
import type { Feature } from './types.ts';

/** Verbs the Slack edge answers itself, with no feature behind them. */
export const EDGE_VERBS: readonly string[] = ['help'];

/**
 * The one verb registry: each verb of `commands/<verb>.yml` answered by exactly one feature
 * (or the edge). Refuses at start-up, with every problem listed, a verb two features claim, a
 * spec with no handler, and a handler with no spec.
 */
export function registerVerbs(input: {
  features: Pick<Feature, 'name' | 'commandHandlers'>[];
  /** The verbs `commands/` declares. */
  specs: Iterable<string>;
  edgeVerbs?: readonly string[];
}): CommandHandlers {
  const edge = new Set(input.edgeVerbs ?? EDGE_VERBS);
  const handlers: CommandHandlers = {};
  const owner = new Map<string, string>([...edge].map((verb) => [verb, 'the Slack edge']));
  const problems: string[] = [];
  for (const feature of input.features) {
    for (const [verb, handler] of Object.entries(feature.commandHandlers ?? {})) {
      const first = owner.get(verb);
      if (first) {
        problems.push(`verb "${verb}" is claimed by both ${first} and ${feature.name}`);
        continue;
      }
      owner.set(verb, feature.name);
      handlers[verb] = handler;
    }
  }
  const specs = new Set(input.specs);
  for (const verb of specs) {
    if (!owner.has(verb)) problems.push(`commands/${verb}.yml has no handler in any feature`);
  }
  for (const [verb, by] of owner) {
    if (!specs.has(verb))
      problems.push(`${by} answers "${verb}", which has no commands/${verb}.yml`);
  }
  if (problems.length > 0) {
    throw new Error(`the /mc verbs do not add up:\n- ${problems.join('\n- ')}`);
  }
  return handlers;
}
