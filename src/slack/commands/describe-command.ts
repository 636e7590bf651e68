import type { Catalog, CommandSpec } from '../../config/schema.ts';
import type { ParsedCommand } from '../../domain/commands/index.ts';

/** Seconds as a person types a duration: 300 → 5m, 5400 → 1h30m, 90 days → 90d, 14 days → 2w. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 604_800 === 0) return `${seconds / 604_800}w`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = seconds;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

const q = (value: unknown) => `\`${String(value)}\``;

/**
 * One sentence saying what a valid command asks for, in the user's terms:
 * "roll back `checkout` in `prod` to the previous revision". Plain text with backticks.
 */
export function describeCommand(command: ParsedCommand): string {
  const { args, flags } = command;
  const env = command.env ? ` in ${q(command.env)}` : '';
  const dry = flags['dry-run'] === true ? ' (dry run: plan only)' : '';
  switch (command.verb) {
    case 'deploy':
      return `deploy ${q(args.service)} ${q(args.version)} to ${q(command.env)}${dry}`;
    case 'rollback': {
      const to = flags.to !== undefined ? `revision ${q(flags.to)}` : 'the previous revision';
      return `roll back ${q(args.service)}${env} to ${to}${dry}`;
    }
    case 'gate':
      return `run the ${q(flags.set)} release gate for ${q(args.service)} ${q(args.version)} headed to ${q(command.env)}`;
    case 'drill': {
      if (command.subcommand === 'report') {
        const which = args.service ? q(args.service) : 'every service';
        return `show drill results for ${which} over the last ${formatDuration(Number(flags.since))}`;
      }
      const duration = formatDuration(Number(flags.duration));
      return `run the ${q(args.scenario)} drill on ${q(args.service)}${env} for ${duration}`;
    }
    case 'triage': {
      if (command.incident) return `triage PagerDuty incident ${q(command.incident)}`;
      if (args.target) return `triage ${q(args.target)}`;
      return 'triage everything open (incidents, firing alerts, recent deploys)';
    }
    default: {
      const words = [
        command.verb,
        ...(command.subcommand ? [command.subcommand] : []),
        ...Object.values(args).map(q),
      ];
      return `${words.join(' ')}${env}`;
    }
  }
}

/**
 * What the policy will ask of this command, so nobody is surprised later:
 * "`prod` is protected: it will need 1 approval (sre-lead or release-manager) and a reason."
 */
export function describePolicy(
  command: ParsedCommand,
  spec: CommandSpec | undefined,
  catalog: Catalog,
): string | undefined {
  if (!spec || !command.env || command.subcommand) return undefined;
  const policy = spec.policy.environments[command.env];
  if (!policy) return undefined;
  const needs: string[] = [];
  const { count, roles } = policy.approvals;
  if (count > 0) {
    needs.push(`${count} approval${count > 1 ? 's' : ''} (${roles.join(' or ')})`);
  }
  if (policy.reasonRequired) {
    needs.push(command.flags.reason ? 'a reason' : 'a reason: add `--reason …`');
  }
  if (needs.length === 0) return undefined;
  const kind = catalog.environments[command.env]?.protected ? 'is protected' : 'has a policy';
  return `${q(command.env)} ${kind}: this will need ${needs.join(' and ')}.`;
}
