import type {
  CheckStatus,
  Decision,
  GateDecision,
  GateRow,
  GateStatus,
  SignOff,
  Waiver,
} from '../../gates/decide-gate.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';

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
  /** Every waiver given on this evaluation; those past their expiry show as expired. */
  waivers?: Array<Waiver & { at?: Date }>;
  now?: Date;
  /** Roles that may waive (the gate set's `waivers.roles`): named in the waive hint. */
  waiverRoles?: readonly string[];
  /** The last GO / NO-GO recorded as signed evidence. */
  evidence?: { url: string; decision: Decision };
}

function waiverLines(row: GateRow, input: GateMessageInput): string[] {
  const now = input.now ?? input.ranAt;
  return (input.waivers ?? [])
    .filter((w) => w.gate === row.name)
    .map((w) => {
      const text = `<@${w.by}>: ${escapeMrkdwn(w.reason)}`;
      return w.expiresAt.getTime() > now.getTime()
        ? `:warning: Waived by ${text} — until ${slackDate(w.expiresAt)}`
        : `:hourglass_flowing_sand: ~Waiver by ${text}~ — expired ${slackDate(w.expiresAt)}`;
    });
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
  for (const [index, row] of decision.rows.entries()) {
    const checks = row.checks.map((c) => {
      const value = c.value === undefined ? '' : ` · \`${escapeMrkdwn(c.value)}\``;
      const link = c.link ? ` · ${slackLink(c.link, 'open')}` : '';
      return `${CHECK_ICON[c.status]} ${escapeMrkdwn(c.title)}${value} — ${escapeMrkdwn(c.reason)}${link}`;
    });
    blocks.push(
      section(
        [
          `${GATE_ICON[row.status]} ${index + 1}. *${escapeMrkdwn(row.name)}* (${row.status})`,
          ...checks,
          ...waiverLines(row, input),
        ].join('\n'),
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
  const notPassed = decision.rows.filter(
    (r) => r.status === 'failed' || r.status === 'inconclusive',
  );
  const hints = [
    ...(notPassed.length > 0 && (input.waiverRoles ?? []).length > 0
      ? [
          `To waive a gate (${input.waiverRoles!.map((r) => `\`${escapeMrkdwn(r)}\``).join(' or ')}): \`/mc gate waive ${input.gateId} ${decision.rows.indexOf(notPassed[0]!) + 1} --for 24h --reason …\``,
        ]
      : []),
    ...(decision.missingRoles.length > 0
      ? [
          `To sign with a comment: \`/mc gate signoff ${input.gateId} ${escapeMrkdwn(decision.missingRoles[0]!)} --comment …\``,
        ]
      : []),
  ];
  const evidence = input.evidence
    ? ` · ${slackLink(input.evidence.url, `${input.evidence.decision} manifest (signed)`)}`
    : '';
  blocks.push(
    context(
      `Requested by <@${input.requester}> · evaluated ${slackDate(input.ranAt)} · gate set \`${escapeMrkdwn(input.setId)}\` · \`${input.gateId}\`${evidence}`,
    ),
    ...(hints.length > 0 ? [context(hints.join('\n'))] : []),
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
