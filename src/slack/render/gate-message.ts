import type { CheckStatus, GateDecision, GateStatus } from '../../domain/gates/decide-gate.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

export const GATE_RERUN_ACTION = 'gate.rerun';

const GATE_ICON: Record<GateStatus, string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  waived: ':warning:',
  inconclusive: ':grey_question:',
};
const CHECK_ICON: Record<CheckStatus, string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  inconclusive: ':grey_question:',
};
const DECISION_ICON = {
  GO: ':large_green_circle:',
  'NO-GO': ':red_circle:',
  PENDING: ':hourglass:',
};

export interface GateMessageInput {
  title: string;
  setId: string;
  service: string;
  env: string;
  version: string;
  requester: string;
  decision: GateDecision;
  ranAt: Date;
  /** The Re-run button's value: what to evaluate again. */
  rerunValue: string;
}

/**
 * The gate's one message: the decision and the headline (both from `decision`, which derives
 * them from its rows), one section per gate with each check's result, value, reason and link,
 * the sign-offs still missing, and a Re-run button that re-evaluates in place.
 */
export function renderGateMessage(input: GateMessageInput): SlackReply {
  const { decision } = input;
  const subject = `\`${escapeMrkdwn(input.service)}\` \`${escapeMrkdwn(input.version)}\` → \`${escapeMrkdwn(input.env)}\``;
  const head = `${DECISION_ICON[decision.decision]} *${decision.decision}* — release gate ${subject} (${escapeMrkdwn(input.title)})`;
  const blocks: Block[] = [section(head), section(`*${escapeMrkdwn(decision.headline)}*`)];
  for (const row of decision.rows) {
    const checks = row.checks.map((c) => {
      const value = c.value === undefined ? '' : ` · \`${escapeMrkdwn(c.value)}\``;
      const link = c.link ? ` · <${c.link}|open>` : '';
      return `${CHECK_ICON[c.status]} ${escapeMrkdwn(c.title)}${value} — ${escapeMrkdwn(c.reason)}${link}`;
    });
    blocks.push(
      section(
        `${GATE_ICON[row.status]} *${escapeMrkdwn(row.name)}* (${row.status})\n${checks.join('\n')}`,
      ),
    );
  }
  if (decision.missingRoles.length > 0) {
    blocks.push(
      context(
        `Sign-offs needed: ${decision.missingRoles.map((r) => `\`${escapeMrkdwn(r)}\``).join(', ')}`,
      ),
    );
  }
  blocks.push(
    context(
      `Requested by <@${input.requester}> · evaluated ${input.ranAt.toISOString()} · gate set \`${escapeMrkdwn(input.setId)}\``,
    ),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: GATE_RERUN_ACTION,
          text: { type: 'plain_text', text: 'Re-run' },
          value: input.rerunValue,
        },
      ],
    },
  );
  return reply(`${decision.decision}: ${decision.headline}`, blocks);
}
