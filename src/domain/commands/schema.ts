import { z } from 'zod';
import { asArray, asRecord, asString } from './loose.ts';
import { convertValue, parseDuration, VALUE_TYPES } from './value-types.ts';

/** A lowercase id: verbs, flags, roles, environments, services. */
export const Slug = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*$/,
    'must be lowercase letters, digits and dashes, starting with a letter',
  );
export type Slug = z.infer<typeof Slug>;

/** Non-empty text a person reads. */
export const Text = z.string().trim().min(1, 'must not be empty');
export type Text = z.infer<typeof Text>;

/** `30s`, `15m`, `1h30m`, `7d`. */
export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'must be a duration like 15m, 1h or 1h30m');
export type Duration = z.infer<typeof Duration>;

export const ValueType = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof ValueType>;

export const Argument = z.strictObject({
  name: Slug,
  type: ValueType,
  required: z.boolean(),
  description: Text,
  values: z.array(Text).min(1).optional(),
});
export type Argument = z.infer<typeof Argument>;

export const Flag = z.strictObject({
  name: Slug,
  type: ValueType,
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: Text,
  values: z.array(Text).min(1).optional(),
  /** Free text that takes every word up to the next flag, so `--reason bad deploy` works unquoted. */
  greedy: z.boolean().optional(),
});
export type Flag = z.infer<typeof Flag>;

export const Approvals = z.strictObject({
  count: z.int().min(0).max(5),
  roles: z.array(Slug).default([]),
});
export type Approvals = z.infer<typeof Approvals>;

export const EnvironmentPolicy = z
  .strictObject({
    approvals: Approvals,
    reasonRequired: z.boolean(),
    selfApproval: z.boolean(),
    approvalTtl: Duration.optional(),
    /** The shortest reason accepted where one is required (the environment's baseline may raise it). */
    reasonMinLength: z.int().min(1).max(500).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.approvals.count > 0 && p.approvals.roles.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvals', 'roles'],
        message: 'must name at least one role when count > 0',
      });
    }
    if (p.approvals.count > 0 && !p.approvalTtl) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvalTtl'],
        message: 'is required when approvals are required (e.g. 30m)',
      });
    }
  });
export type EnvironmentPolicy = z.infer<typeof EnvironmentPolicy>;

export const Policy = z.strictObject({
  /** Who may ask: `anyone`, or a list of catalog roles. */
  requesters: z.union([z.literal('anyone'), z.array(Slug).min(1)]),
  environments: z.record(Slug, EnvironmentPolicy).default({}),
});
export type Policy = z.infer<typeof Policy>;

const grammar = {
  summary: Text.max(120),
  description: Text.optional(),
  usage: Text,
  arguments: z.array(Argument).default([]),
  flags: z.array(Flag).default([]),
  examples: z.array(Text).default([]),
};

export const Subcommand = z.strictObject({ name: Slug, ...grammar, policy: Policy.optional() });
export type Subcommand = z.infer<typeof Subcommand>;

export const CommandSpec = z
  .strictObject({
    verb: Slug,
    ...grammar,
    subcommands: z.array(Subcommand).default([]),
    policy: Policy,
  })
  .superRefine(
    (spec, ctx) => {
      const verb = asString(spec.verb) ?? '';
      checkGrammar(verb, spec, [], ctx);
      asArray(spec.subcommands).forEach((sub, i) => {
        const name = asString(asRecord(sub).name) ?? '';
        checkGrammar(`${verb} ${name}`, sub, ['subcommands', i], ctx);
      });
    },
    { when: () => true },
  );
export type CommandSpec = z.infer<typeof CommandSpec>;

/** The part of a spec the parser walks: the verb itself or one of its subcommands. */
export type Grammar = Pick<
  CommandSpec,
  'summary' | 'description' | 'usage' | 'arguments' | 'flags' | 'examples'
>;

const CATALOG_TYPES = ['service', 'environment', 'verb', 'service-or-incident'];

/**
 * Rules zod cannot say per field: unique names, argument order, defaults that fit the type,
 * a usage line that mentions every flag. Runs even when other fields failed, so reads loosely.
 */
function checkGrammar(words: string, raw: unknown, at: (string | number)[], ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: [...at, ...path], message });
  const g = asRecord(raw);
  const usage = asString(g.usage) ?? '';
  if (!usage.startsWith(`/mc ${words}`)) issue(['usage'], `must start with "/mc ${words}"`);
  const seen = new Set<string>();
  let optionalSeen = false;
  asArray(g.arguments).forEach((item, i) => {
    const a = asRecord(item);
    const name = asString(a.name);
    if (name && seen.has(name)) issue(['arguments', i, 'name'], `"${name}" is declared twice`);
    if (name) seen.add(name);
    if (a.required === true && optionalSeen) {
      issue(['arguments', i, 'required'], 'a required argument cannot follow an optional one');
    }
    if (a.required === false) optionalSeen = true;
    checkValues(a, ['arguments', i], issue);
  });
  const flags = new Set<string>();
  asArray(g.flags).forEach((item, i) => {
    const f = asRecord(item);
    const name = asString(f.name) ?? '';
    if (flags.has(name)) issue(['flags', i, 'name'], `"--${name}" is declared twice`);
    flags.add(name);
    if (name === 'help' || name === 'h') issue(['flags', i, 'name'], `"--${name}" is built in`);
    checkValues(f, ['flags', i], issue);
    if (f.greedy === true && f.type !== 'string') {
      issue(['flags', i, 'greedy'], 'is only allowed for type string');
    }
    if (name && !usage.split(/[\s[\]|=]+/).includes(`--${name}`)) {
      issue(['usage'], `does not mention --${name}`);
    }
    const type = asString(f.type);
    const values = asArray(f.values).filter((v) => typeof v === 'string');
    const fits = (VALUE_TYPES as readonly string[]).includes(type ?? '');
    if (f.default !== undefined && fits && !CATALOG_TYPES.includes(type ?? '')) {
      if (convertValue(type as ValueType, String(f.default), values) === undefined) {
        issue(['flags', i, 'default'], `${JSON.stringify(f.default)} is not a valid ${type}`);
      }
    }
  });
}

function checkValues(
  slot: Record<string, unknown>,
  at: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
) {
  if (slot.type === 'enum' && slot.values === undefined) {
    issue([...at, 'values'], 'is required for type enum');
  }
  if (slot.type !== 'enum' && slot.values !== undefined) {
    issue([...at, 'values'], 'is only allowed for type enum');
  }
}
