import type { Decision, GateDecision, GateRow, SignOff, Waiver } from '../../gates/decide-gate.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { MESSAGE_BUDGET, textLength } from './fit-message.ts';
import { checkLines, gateSummaryLines, packLines, waiverLine } from './gate-rows.ts';
import { slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';
import { cutInline, cutMrkdwn, cutPlain } from './safe-cut.ts';

export const GATE_RERUN_ACTION = 'gate.rerun';
export const GATE_SIGNOFF_ACTION = 'gate.signoff';

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

// A section's text stays under Slack's 3,000 characters; the table takes as many as it needs.
const SECTION_TEXT = 2900;
const SIGN_OFF_LABEL = 'Sign off as ';

function waiverLines(row: GateRow, input: GateMessageInput): string[] {
  const now = input.now ?? input.ranAt;
  return (input.waivers ?? []).filter((w) => w.gate === row.name).map((w) => waiverLine(w, now));
}

/** A sign-off button: its label shortened to Slack's 75 characters, its role in full in the value. */
export function signOffButton(gateId: string, role: string) {
  return {
    type: 'button' as const,
    action_id: `${GATE_SIGNOFF_ACTION}:${role}`,
    text: { type: 'plain_text' as const, text: cutPlain(`${SIGN_OFF_LABEL}${role}`, 75) },
    value: `${gateId}|${role}`,
  };
}

// The first lines whose text (with line breaks) stays within `room` characters.
function takeWithin(lines: string[], room: number): string[] {
  const taken: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > room) break;
    taken.push(line);
    used += line.length + 1;
  }
  return taken;
}

/**
 * The table of gates within `room` characters: every gate with every check when that fits;
 * otherwise one line per gate, then the checks that did not pass as far as they fit, the
 * rest counted and linked (the signed manifest holds every check).
 */
function gateTable(input: GateMessageInput, room: number): Block[] {
  const { rows } = input.decision;
  const summary = rows.flatMap((row, i) => gateSummaryLines(row, i, waiverLines(row, input)));
  const full = rows.flatMap((row, i) => [
    ...gateSummaryLines(row, i, []),
    ...checkLines(row, i, 'all'),
    ...waiverLines(row, input).map((w) => `        ${w}`),
  ]);
  const fullPacks = packLines(full, SECTION_TEXT);
  if (fullPacks.join('').length + 200 <= room && fullPacks.length <= 20)
    return fullPacks.map(section);
  const summaryPacks = packLines(summary, SECTION_TEXT);
  const failing = rows.flatMap((row, i) => checkLines(row, i, 'failing'));
  const shown = takeWithin(failing, room - summaryPacks.join('').length - 600);
  const notShown = failing.length - shown.length;
  const where = input.evidence ? `: ${slackLink(input.evidence.url, 'the signed manifest')}` : '';
  return [
    ...summaryPacks.map(section),
    ...packLines(shown, SECTION_TEXT).map(section),
    ...(notShown > 0
      ? [context(`_${notShown} more checks that did not pass are not shown_${where}`)]
      : []),
  ];
}

const role = (name: string) => cutInline(escapeMrkdwn(name), 100);

/**
 * The gate's one message: the decision and the headline (both from `decision`, which derives
 * them from its rows), a table with one line per gate and details only for the checks that
 * did not pass, the sign-offs still missing, and a Re-run button that re-evaluates in place.
 * However large the gate set, the message fits Slack (see fitBlocks); what is left out is in
 * the signed manifest, linked from the notice.
 */
export function renderGateMessage(input: GateMessageInput): SlackReply {
  const { decision } = input;
  const subject = `\`${escapeMrkdwn(input.service)}\` \`${escapeMrkdwn(input.version)}\` → \`${escapeMrkdwn(input.env)}\``;
  const head = `${DECISION_ICON[decision.decision]} *${decision.decision}* — release gate ${subject} (${escapeMrkdwn(input.title)})`;
  const blocks: Block[] = [section(head), section(`*${escapeMrkdwn(decision.headline)}*`)];
  const tableAt = blocks.length;
  const signed = input.signOffs.valid.map(
    (o) =>
      `:white_check_mark: \`${role(o.role)}\` <@${o.by}>${o.comment ? ` — ${cutMrkdwn(escapeMrkdwn(o.comment), 300)}` : ''}`,
  );
  const stale = input.signOffs.invalidated.map(
    (o) =>
      `:heavy_multiplication_x: ~\`${role(o.role)}\` <@${o.by}>~ invalidated by a re-run that changed results`,
  );
  const missing = decision.missingRoles.map((r) => `:hourglass: \`${role(r)}\` needed`);
  if (signed.length + stale.length + missing.length > 0) {
    const lines = ['*Sign-offs*', ...signed, ...stale, ...missing];
    blocks.push(...packLines(lines, SECTION_TEXT).map(section));
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
    ...(hints.length > 0 ? [context(hints.join('\n'))] : []),
    // The footer comes last before the buttons: a message cut to fit keeps it.
    context(
      `Requested by <@${input.requester}> · evaluated ${slackDate(input.ranAt)} · gate set \`${escapeMrkdwn(input.setId)}\` · \`${input.gateId}\`${evidence}`,
    ),
    {
      type: 'actions',
      // Re-run first: however many roles are missing, it is never the button that moves.
      elements: [
        {
          type: 'button',
          action_id: GATE_RERUN_ACTION,
          text: { type: 'plain_text', text: 'Re-run' },
          value: input.gateId,
        },
        ...decision.missingRoles.map((r) => signOffButton(input.gateId, r)),
      ],
    },
  );
  blocks.splice(tableAt, 0, ...gateTable(input, MESSAGE_BUDGET.maxText - textLength(blocks)));
  const more = input.evidence
    ? { url: input.evidence.url, label: 'the signed manifest' }
    : undefined;
  return reply(`${decision.decision}: ${decision.headline}`, blocks, more);
}
