import type { CommandSpec } from '../../config/schema.ts';
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
 * Refuses a request without a reason (blank counts as none) where the policy requires one,
 * and says how to add it. `typed` is the command as the user wrote it, to quote it back.
 */
export function checkReason(input: {
  requirements: Pick<Requirements, 'command' | 'env' | 'reasonRequired'>;
  reason?: string | undefined;
  typed?: string;
}): PolicyCheck {
  const { command, env, reasonRequired } = input.requirements;
  if (!reasonRequired || (input.reason ?? '').trim() !== '') return { ok: true };
  // Quote what they typed, minus `/mc` and any empty `--reason` left at the end.
  const typed = input.typed
    ?.trim()
    .replace(/^\/mc\s+/, '')
    .replace(/\s*--reason(?:[=\s]*(?:""|''))?$/, '');
  const retry = `/mc ${typed || command} --reason <why>`;
  return {
    ok: false,
    message:
      `\`/mc ${command}\` in \`${env}\` needs a reason, for the approvers and the ledger. ` +
      `Add \`--reason\` and a few words (no quotes needed): \`${retry}\`.`,
  };
}
