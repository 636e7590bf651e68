import { beforeAll, describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../src/domain/commands/index.ts';
import { checkReason, mayRequest } from '../../../src/domain/policy/index.ts';
import { repoContext } from '../commands/repo-context.ts';
import { prodRequirements } from './fixtures.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

function check(verb: string, roles: string[], env?: string, subcommand?: string) {
  const spec = ctx.commands.get(verb);
  if (!spec) throw new Error(`no spec ${verb}`);
  return mayRequest({
    spec,
    roles: new Set(roles),
    ...(env ? { env } : {}),
    ...(subcommand ? { subcommand } : {}),
  });
}

describe('domain/policy/may-request: mayRequest', () => {
  it.each<[string, string[], string | undefined, string | undefined]>([
    ['rollback', ['oncall'], 'prod', undefined],
    ['rollback', ['qa-lead', 'sre-lead'], 'prod', undefined],
    ['gate', ['qa-lead'], 'prod', undefined],
    ['status', [], 'prod', undefined],
    ['help', [], undefined, undefined],
    ['drill', [], 'prod', 'report'],
  ])('%s with roles %j in %s (%s) is allowed', (verb, roles, env, sub) => {
    expect(check(verb, roles, env, sub)).toEqual({ ok: true });
  });

  it.each<[string, string[], string | undefined, string]>([
    [
      'rollback',
      [],
      'prod',
      'Only oncall, release-manager or sre-lead may run `/mc rollback` in `prod`.',
    ],
    [
      'drill',
      ['qa-lead', 'secops'],
      'staging',
      'Only sre-lead or oncall may run `/mc drill` in `staging`.',
    ],
    [
      'gate',
      ['oncall'],
      undefined,
      'Only release-manager, sre-lead or qa-lead may run `/mc gate`.',
    ],
  ])('%s with roles %j in %s is refused', (verb, roles, env, message) => {
    expect(check(verb, roles, env)).toEqual({ ok: false, message });
  });
});

describe('domain/policy/may-request: checkReason', () => {
  const needs =
    '`/mc rollback` in `prod` needs a reason, for the approvers and the ledger. ' +
    'Add `--reason` and a few words (no quotes needed): ';

  it.each<[string | undefined, string | undefined, string]>([
    [undefined, undefined, '`/mc rollback --reason <why>`.'],
    ['', 'rollback checkout --env prod', '`/mc rollback checkout --env prod --reason <why>`.'],
    [
      '   ',
      '/mc rollback checkout --env prod',
      '`/mc rollback checkout --env prod --reason <why>`.',
    ],
    [
      undefined,
      'rollback checkout --env prod --reason',
      '`/mc rollback checkout --env prod --reason <why>`.',
    ],
    [
      undefined,
      'rollback checkout --env prod --reason ""',
      '`/mc rollback checkout --env prod --reason <why>`.',
    ],
  ])('reason %j typed as %j is refused with how to add one', (reason, typed, retry) => {
    const result = checkReason({
      requirements: prodRequirements(),
      reason,
      ...(typed !== undefined ? { typed } : {}),
    });
    expect(result).toEqual({ ok: false, message: needs + retry });
  });

  it.each<[boolean, string | undefined]>([
    [true, 'p99 latency doubled'],
    [false, undefined],
    [false, ''],
  ])('reasonRequired %s with reason %j passes', (reasonRequired, reason) => {
    expect(checkReason({ requirements: prodRequirements({ reasonRequired }), reason })).toEqual({
      ok: true,
    });
  });
});
