import { context, reply, type SlackReply, section } from './blocks.ts';
import { botTextWithDates } from './text-dates.ts';

/** Who holds a role: users named in the catalog, and user groups with members when known. */
export interface RoleHolders {
  role: string;
  users: string[];
  groups: { id: string; members?: string[] }[];
}

function holdersLine(holders: RoleHolders): string {
  const parts = holders.users.map((u) => `<@${u}>`);
  for (const group of holders.groups) {
    const members = group.members?.length
      ? ` (${group.members.map((u) => `<@${u}>`).join(', ')})`
      : group.members
        ? ' (no members)'
        : '';
    parts.push(`<!subteam^${group.id}>${members}`);
  }
  return `• *${holders.role}*: ${parts.join(', ') || 'nobody yet'}`;
}

/**
 * The ephemeral answer to a refused click or command: the engine's reason, who may approve
 * (when that is the problem) and a plain "nothing changed".
 */
export function renderRunRefusal(input: {
  message: string;
  approvers?: RoleHolders[];
  correlationId?: string;
}): SlackReply {
  const blocks = [section(`:no_entry_sign: ${botTextWithDates(input.message)}`)];
  let text = input.message;
  if (input.approvers && input.approvers.length > 0) {
    const lines = input.approvers.map(holdersLine);
    blocks.push(section(`*Who may approve:*\n${lines.join('\n')}`));
    text += ` Who may approve: ${input.approvers.map((h) => h.role).join(', ')}.`;
  }
  const ref = input.correlationId ? ` · ref \`${input.correlationId}\`` : '';
  blocks.push(context(`Nothing was changed.${ref}`));
  return reply(text, blocks);
}
