import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatParseError,
  type ParseContext,
  type ParsedCommand,
  parseCommand,
} from '../../../src/domain/commands/index.ts';
import { repoContext } from './repo-context.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

const DIGEST = `ghcr.io/acme/payments@sha256:${'3f1c2b8e9d0a4c5b'.repeat(4)}`;
const ROLLBACK_USAGE =
  '/mc rollback <service> [--env ENV] [--to REVISION] [--reason TEXT] [--dry-run]';

function parsed(text: string): Omit<ParsedCommand, 'raw'> {
  const result = parseCommand(text, ctx);
  if (!result.ok) throw new Error(`expected ok for ${text}: ${result.error.message}`);
  const { raw, ...rest } = result.command;
  expect(raw).toBe(text);
  return rest;
}

function failure(text: string) {
  const result = parseCommand(text, ctx);
  if (result.ok)
    throw new Error(`expected an error for ${text}: ${JSON.stringify(result.command)}`);
  return result.error;
}

describe('domain/commands/parse-command: valid commands', () => {
  it.each<[string, Omit<ParsedCommand, 'raw'>]>([
    ['', { verb: 'help', args: {}, flags: {} }],
    ['   ', { verb: 'help', args: {}, flags: {} }],
    ['help rollback', { verb: 'help', args: { verb: 'rollback' }, flags: {} }],
    ['rollback checkout --help', { verb: 'help', args: { verb: 'rollback' }, flags: {} }],
    [
      'rollback checkout',
      {
        verb: 'rollback',
        args: { service: 'checkout' },
        flags: { env: 'staging', 'dry-run': false },
        service: 'checkout',
        env: 'staging',
      },
    ],
    [
      '/mc Rollback Checkout --env PROD --to 41 --reason "bad migration"',
      {
        verb: 'rollback',
        args: { service: 'checkout' },
        flags: { env: 'prod', to: 41, reason: 'bad migration', 'dry-run': false },
        service: 'checkout',
        env: 'prod',
      },
    ],
    [
      'rollback checkout --reason p99 latency doubled after v1.4.2 --env=prod',
      {
        verb: 'rollback',
        args: { service: 'checkout' },
        flags: { env: 'prod', reason: 'p99 latency doubled after v1.4.2', 'dry-run': false },
        service: 'checkout',
        env: 'prod',
      },
    ],
    [
      'deploy checkout v1.4.2 env=prod reason=“hot fix for PAY-1234” --dry-run',
      {
        verb: 'deploy',
        args: { service: 'checkout', version: 'v1.4.2' },
        flags: { env: 'prod', reason: 'hot fix for PAY-1234', 'dry-run': true },
        service: 'checkout',
        env: 'prod',
      },
    ],
    [
      `deploy payments ${DIGEST} —env prod`,
      {
        verb: 'deploy',
        args: { service: 'payments', version: DIGEST },
        flags: { env: 'prod', 'dry-run': false },
        service: 'payments',
        env: 'prod',
      },
    ],
    [
      'gate payments v2.7.0-rc.1 --env prod --set pci',
      {
        verb: 'gate',
        args: { service: 'payments', version: 'v2.7.0-rc.1' },
        flags: { env: 'prod', set: 'pci' },
        service: 'payments',
        env: 'prod',
      },
    ],
    [
      'drill pod-kill gateway --duration 1h30m',
      {
        verb: 'drill',
        args: { scenario: 'pod-kill', service: 'gateway' },
        flags: { env: 'staging', duration: 5400 },
        service: 'gateway',
        env: 'staging',
      },
    ],
    [
      'drill report payments --since 90d',
      {
        verb: 'drill',
        subcommand: 'report',
        args: { service: 'payments' },
        flags: { since: 7_776_000 },
        service: 'payments',
      },
    ],
    [
      'drill report',
      { verb: 'drill', subcommand: 'report', args: {}, flags: { since: 2_592_000 } },
    ],
    ['triage', { verb: 'triage', args: {}, flags: {} }],
    [
      'triage payments',
      { verb: 'triage', args: { target: 'payments' }, flags: {}, service: 'payments' },
    ],
    [
      'triage Q2W3E4R5T6Y7U8',
      { verb: 'triage', args: { target: 'Q2W3E4R5T6Y7U8' }, flags: {}, incident: 'Q2W3E4R5T6Y7U8' },
    ],
    [
      'triage <https://acme.pagerduty.com/incidents/Q2W3E4R5T6Y7U8>',
      { verb: 'triage', args: { target: 'Q2W3E4R5T6Y7U8' }, flags: {}, incident: 'Q2W3E4R5T6Y7U8' },
    ],
    [
      'status',
      { verb: 'status', args: {}, flags: { env: 'staging', show: 'summary' }, env: 'staging' },
    ],
    [
      'status checkout --env prod --show SLO',
      {
        verb: 'status',
        args: { service: 'checkout' },
        flags: { env: 'prod', show: 'slo' },
        service: 'checkout',
        env: 'prod',
      },
    ],
    [
      'rollback -- checkout',
      {
        verb: 'rollback',
        args: { service: 'checkout' },
        flags: { env: 'staging', 'dry-run': false },
        service: 'checkout',
        env: 'staging',
      },
    ],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });
});

describe('domain/commands/parse-command: mistakes', () => {
  it.each([
    ['rolback checkout', 'Unknown command `rolback`. Did you mean `rollback`?', 'rollback'],
    ['dpeloy checkout v1.2.3', 'Unknown command `dpeloy`. Did you mean `deploy`?', 'deploy'],
    ['frobnicate', 'Unknown command `frobnicate`.', undefined],
    ['--env prod', 'Start with a command, like `/mc status`, before `--env`.', undefined],
    [
      'rollback chekout',
      'Unknown service `chekout`. Known: checkout, payments, gateway. Did you mean `checkout`?',
      'checkout',
    ],
    [
      'rollback checkout --env prd',
      '`checkout` has no environment `prd`. Known: staging, prod. Did you mean `prod`?',
      'prod',
    ],
    ['status --env qa', 'Unknown environment `qa`. Known: staging, prod.', undefined],
    [
      'rollback',
      'Missing `<service>`: The service to roll back, as named in catalog.yml.',
      undefined,
    ],
    [
      'rollback checkout prod',
      'Unexpected argument `prod`: `/mc rollback` takes `<service>`. Did you mean `--env prod`?',
      '--env prod',
    ],
    [
      'status checkout extra',
      'Unexpected argument `extra`: `/mc status` takes `[service]`.',
      undefined,
    ],
    ['rollback checkout --enf prod', 'Unknown flag `--enf`. Did you mean `--env`?', '--env'],
    ['rollback checkout envv=prod', 'Unknown flag `envv=`. Did you mean `--env`?', '--env'],
    ['triage checkout --env prod', 'Unknown flag `--env`. It takes no flags.', undefined],
    [
      'rollback checkout --env',
      '`--env` needs a value: `--env ENV` (where to roll back).',
      undefined,
    ],
    [
      'rollback checkout --to --env prod',
      '`--to` needs a value: `--to REVISION` (the rollout revision to return to, as `/mc status <service> --show pods` lists them; default is the previous one).',
      undefined,
    ],
    [
      'rollback checkout --env=',
      '`--env` needs a value: `--env ENV` (where to roll back).',
      undefined,
    ],
    [
      'rollback checkout --to abc',
      '`--to` expects a whole number, like `3`, not `abc`.',
      undefined,
    ],
    [
      'drill pod-kill checkout --duration soon',
      '`--duration` expects a duration like `30s`, `5m`, `1h30m` or `7d`, not `soon`.',
      undefined,
    ],
    [
      'deploy checkout 1.4',
      '`<version>` expects a release like `v1.4.2` or an image digest like `registry/app@sha256:<64 hex>`, not `1.4`.',
      undefined,
    ],
    [
      'status --show slos',
      '`--show` must be one of `summary`, `slo`, `pods`, `revisions`, `runs`, not `slos`. Did you mean `slo`?',
      'slo',
    ],
    [
      'rollback checkout --env prod --env staging',
      '`--env` is given twice; give it once.',
      undefined,
    ],
    [
      'rollback checkout --env prod env=staging',
      '`--env` is given twice; give it once.',
      undefined,
    ],
    [
      'help deplyo',
      'Unknown command `deplyo`. Known: deploy, dora, drill, gate, help, rollback, status, triage. Did you mean `deploy`?',
      'deploy',
    ],
    [
      'deploy checkout v1.2.3 --reason "rolling back',
      'Unterminated quote: the `"` at position 33 is never closed.',
      undefined,
    ],
  ])('%s', (text, message, suggestion) => {
    const error = failure(text);
    expect(error.message).toBe(message);
    expect(error.suggestion).toBe(suggestion);
    expect(error.usage).toMatch(/^\/mc /);
  });

  it('shows the usage of the command that was mistyped', () => {
    expect(failure('rollback checkout --to abc').usage).toBe(ROLLBACK_USAGE);
    expect(failure('rollback checkout --to abc').token).toBe('abc');
  });

  it('shows both forms of a command with a subcommand', () => {
    expect(failure('drill').usage).toBe(
      [
        '/mc drill <scenario> <service> [--env ENV] [--duration DURATION] [--dependency SERVICE] [--reason TEXT]',
        '/mc drill report [service] [--since DURATION]',
      ].join('\n'),
    );
    expect(failure('drill report checkout --env prod').usage).toBe(
      '/mc drill report [service] [--since DURATION]',
    );
  });

  it('lists every verb in the usage of an unknown command', () => {
    expect(failure('rolback').usage).toBe(
      '/mc <deploy|dora|drill|gate|help|rollback|status|triage> [arguments] [--flags]',
    );
  });

  it('says when a service does not run in the default environment', () => {
    const catalog = structuredClone(ctx.catalog);
    const { staging: _, ...prodOnly } = catalog.services.payments!.environments;
    catalog.services.payments!.environments = prodOnly;
    const result = parseCommand('rollback payments', { ...ctx, catalog });
    expect(result).toMatchObject({
      ok: false,
      error: {
        message:
          '`payments` does not run in `staging` (the default environment). Pick one with `--env`: prod.',
      },
    });
    expect(parseCommand('rollback payments --env prod', { ...ctx, catalog }).ok).toBe(true);
  });
});

describe('domain/commands/usage: formatParseError', () => {
  it('puts the problem first, then every usage form', () => {
    expect(formatParseError(failure('drill'))).toBe(
      [
        'Missing `<scenario>`: The drill playbook to run (a `kind: drill` playbook name, like pod-kill).',
        'Usage: /mc drill <scenario> <service> [--env ENV] [--duration DURATION] [--dependency SERVICE] [--reason TEXT]',
        '   or: /mc drill report [service] [--since DURATION]',
      ].join('\n'),
    );
  });
});
