import type {
  CheckStatus,
  GateDecision,
  GateStatus,
  SignOff,
} from '../../domain/gates/decide-gate.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

export const GATE_RERUN_ACTION = 'gate.rerun';
export const GATE_SIGNOFF_ACTION = 'gate.signoff';

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
  /** The stored evaluation: the buttons' values name it. */
  gateId: string;
  /** Sign-offs for these results, and those a re-run that changed a status invalidated. */
  signOffs: { valid: SignOff[]; invalidated: SignOff[] };
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
  const signed = input.signOffs.valid.map(
    (o) =>
      `:white_check_mark: \`${escapeMrkdwn(o.role)}\` <@${o.by}>${o.comment ? ` — ${escapeMrkdwn(o.comment)}` : ''}`,
  );
  const stale = input.signOffs.invalidated.map(
    (o) =>
      `:heavy_multiplication_x: ~\`${escapeMrkdwn(o.role)}\` <@${o.by}>~ invalidated by a re-run that changed results`,
  );
  const missing = decision.missingRoles.map((r) => `:hourglass: \`${escapeMrkdwn(r)}\` needed`);
  if (signed.length + stale.length + missing.length > 0) {
    blocks.push(section(`*Sign-offs*\n${[...signed, ...stale, ...missing].join('\n')}`));
  }
  blocks.push(
    context(
      `Requested by <@${input.requester}> · evaluated ${input.ranAt.toISOString()} · gate set \`${escapeMrkdwn(input.setId)}\` · \`${input.gateId}\``,
    ),
    {
      type: 'actions',
      elements: [
        ...decision.missingRoles.map((role) => ({
          type: 'button' as const,
          action_id: `${GATE_SIGNOFF_ACTION}:${role}`,
          text: { type: 'plain_text' as const, text: `Sign off as ${role}` },
          value: `${input.gateId}|${role}`,
        })),
        {
          type: 'button',
          action_id: GATE_RERUN_ACTION,
          text: { type: 'plain_text', text: 'Re-run' },
          value: input.gateId,
        },
      ],
    },
  );
  return reply(`${decision.decision}: ${decision.headline}`, blocks);
}
