import type { CommandSpec } from '../catalog/schema.ts';
import { orList } from './format.ts';
import { policyFor, type Requirements } from './requirements.ts';

export type PolicyCheck = { ok: true } | { ok: false; message: string };

/**
 * Whether someone holding `roles` may ask for this command at all. The refusal names the
 * roles that may: "Only oncall, release-manager or sre-lead may run `/mc rollback` in `prod`."
 */
export function mayRequest(input: {
  spec: Pick<CommandSpec, 'verb' | 'policy' | 'subcommands'>;
  subcommand?: string;
  env?: string;
  roles: ReadonlySet<string>;
}): PolicyCheck {
  const { command, policy } = policyFor(input.spec, input.subcommand);
  if (policy.requesters === 'anyone') return { ok: true };
  if (policy.requesters.some((role) => input.roles.has(role))) return { ok: true };
  const where = input.env === undefined ? '' : ` in \`${input.env}\``;
  return {
    ok: false,
    message: `Only ${orList(policy.requesters)} may run \`/mc ${command}\`${where}.`,
  };
}

/**
 * Whether someone holding `roles` may ask for a run under these (effective) requirements:
 * the verb's requesters narrowed by the environment's baseline.
 */
export function mayRequestUnder(
  requirements: Pick<Requirements, 'command' | 'env' | 'requesters'>,
  roles: ReadonlySet<string>,
): PolicyCheck {
  const who = requirements.requesters ?? 'anyone';
  if (who === 'anyone' || who.some((role) => roles.has(role))) return { ok: true };
  return {
    ok: false,
    message:
      who.length === 0
        ? `Nobody may run \`/mc ${requirements.command}\` in \`${requirements.env}\`: its policy and the environment's baseline share no requester role.`
        : `Only ${orList(who)} may run \`/mc ${requirements.command}\` in \`${requirements.env}\`.`,
  };
}

/**
 * Refuses a request without a reason (blank counts as none) where the policy requires one,
 * and says how to add it. `typed` is the command as the user wrote it, to quote it back.
 */
export function checkReason(input: {
  requirements: Pick<Requirements, 'command' | 'env' | 'reasonRequired' | 'reasonMinLength'>;
  reason?: string | undefined;
  typed?: string;
}): PolicyCheck {
  const { command, env, reasonRequired } = input.requirements;
  const given = (input.reason ?? '').trim();
  const min = input.requirements.reasonMinLength ?? 1;
  if (!reasonRequired || given.length >= Math.max(1, min)) return { ok: true };
  // Quote what they typed, minus `/mc` and any empty `--reason` left at the end.
  const typed = input.typed
    ?.trim()
    .replace(/^\/mc\s+/, '')
    .replace(/\s*--reason(?:[=\s]*(?:""|''))?$/, '');
  if (given !== '') {
    return {
      ok: false,
      message:
        `\`/mc ${command}\` in \`${env}\` needs a reason of at least ${min} characters, for the ` +
        `approvers and the ledger; "${given}" has ${given.length}. Say what is wrong and why this fixes it.`,
    };
  }
  const retry = `/mc ${typed || command} --reason <why>`;
  return {
    ok: false,
    message:
      `\`/mc ${command}\` in \`${env}\` needs a reason, for the approvers and the ledger. ` +
      `Add \`--reason\` and a few words (no quotes needed): \`${retry}\`.`,
  };
}
