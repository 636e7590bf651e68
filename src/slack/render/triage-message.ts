import type { FindingButton } from '../../findings/index.ts';
import type { TriageFinding } from '../../findings/triage-finding.ts';
import type { TriagePlanFinding, TriageSuggestionLine } from '../../findings/triage-plan.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { botText, slackLink } from './outside-text.ts';
import { reasonMrkdwn } from './reason-mentions.ts';
import { lineMrkdwn } from './run-inline.ts';
import { cutMrkdwn } from './safe-cut.ts';
import { textWithDates } from './text-dates.ts';

/** Block id of the triage buttons row. */
export const TRIAGE_ACTIONS_BLOCK = 'triage-actions';

const STATE_EMOJI: Record<TriageFinding['state'], string> = {
  open: ':rotating_light:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
};

const cut = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** A button as Block Kit. */
export function triageButton(button: FindingButton) {
  return {
    type: 'button' as const,
    action_id: button.actionId,
    text: { type: 'plain_text' as const, text: cut(button.text, 75), emoji: true },
    value: button.value,
    ...(button.style ? { style: button.style } : {}),
  };
}

const CHECK: Record<NonNullable<TriageSuggestionLine['check']>['status'], string> = {
  holds: ':white_check_mark: Condition holds',
  fails: ':x: Condition does not hold',
  unverified: ':grey_question: Condition unverified, not confirmed',
};

/** A measured `confirm` condition: holds, does not hold, or unverified (never "confirmed"). */
export function checkText(check: NonNullable<TriageSuggestionLine['check']>): string {
  return `${CHECK[check.status]}: ${escapeMrkdwn(check.text)}`;
}

/** Ranked playbooks, one paragraph each: rank, title, id, score, then the reasons. */
export function suggestionsText(lines: TriageSuggestionLine[]): string {
  return lines
    .map((s) => {
      const head = `${s.rank}. *${escapeMrkdwn(s.title)}* (\`${s.playbook}\`) · score ${s.score}`;
      const why = s.notSuggested ? `\n      _not suggested: ${escapeMrkdwn(s.notSuggested)}_` : '';
      const reasons = s.reasons.map((r) => `\n      • ${reasonMrkdwn(r)}`).join('');
      const check = s.check && !s.notSuggested ? `\n      ${checkText(s.check)}` : '';
      return `${head}${reasons}${check}${why}`;
    })
    .join('\n');
}

/** The concrete steps of a plan (or, notify-only, what to look at), as mrkdwn. */
export function planText(plan: TriagePlanFinding): string {
  const lines = [`*Plan: \`${plan.playbook}\`* — ${escapeMrkdwn(plan.title)}`];
  if (plan.notifyOnly) lines.push('_Notify only: no safe automatic step; look at the evidence._');
  for (const step of plan.steps) {
    const what = step.description ? ` — ${textWithDates(step.description)}` : '';
    lines.push(`${step.number}. \`${step.action}\` ${textWithDates(step.params)}${what}`);
  }
  for (const skipped of plan.skipped) lines.push(`_skipped: ${escapeMrkdwn(skipped)}_`);
  if (plan.missing.length > 0) {
    lines.push(
      `:warning: Cannot run: the incident has no value for ${plan.missing.map((m) => `\`${m}\``).join(', ')}.`,
    );
  }
  if (plan.confirm) {
    lines.push(`_Condition:_ \`${escapeMrkdwn(plan.confirm)}\``);
    if (plan.check) lines.push(checkText(plan.check));
  }
  return lines.join('\n');
}

/** The evidence a plan points at: PromQL queries and links. */
export function evidenceText(plan: TriagePlanFinding): string | undefined {
  if (plan.evidence.length === 0) return undefined;
  const lines = plan.evidence.map((e) => {
    const where = e.url ? slackLink(e.url, e.title) : escapeMrkdwn(e.title);
    return e.query ? `• ${where}: \`${escapeMrkdwn(e.query)}\`` : `• ${where}`;
  });
  return `*Evidence*\n${lines.join('\n')}`;
}

/**
 * An incident's triage message: headline, fields, signals, ranked suggestions with reasons,
 * the top plan's steps, what people did, the buttons still useful, and a footer.
 */
export function renderTriageMessage(finding: TriageFinding): SlackReply {
  const blocks: Block[] = [
    section(
      `${STATE_EMOJI[finding.state]} *${escapeMrkdwn(finding.title)}* — ${escapeMrkdwn(finding.status)}`,
    ),
  ];
  if (finding.fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: finding.fields.slice(0, 10).map((field) => ({
        type: 'mrkdwn' as const,
        text: cutMrkdwn(`*${escapeMrkdwn(field.label)}*\n${lineMrkdwn(field.value)}`, 2000),
      })),
    });
  }
  const more = finding.moreSignals > 0 ? `\n_…and ${finding.moreSignals} more_` : '';
  blocks.push(section(`*Signals*\n${finding.signals.map(lineMrkdwn).join('\n')}${more}`));
  if (finding.suggestions.length > 0) {
    blocks.push(section(`*Suggested playbooks*\n${suggestionsText(finding.suggestions)}`));
  }
  if (finding.plan) blocks.push(section(planText(finding.plan)));
  for (const note of finding.notes) blocks.push(context(lineMrkdwn(note)));
  if (finding.buttons.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: TRIAGE_ACTIONS_BLOCK,
      elements: finding.buttons.map(triageButton),
    });
  }
  blocks.push(context(lineMrkdwn(finding.footer)));
  return reply(finding.summary, blocks);
}

/** Dry run: the plan and its evidence, for the clicker only; nothing is created. */
export function renderDryRun(incidentId: string, plan: TriagePlanFinding): SlackReply {
  const blocks: Block[] = [section(planText(plan))];
  const evidence = evidenceText(plan);
  if (evidence) blocks.push(section(evidence));
  blocks.push(
    context(
      `Dry run for \`${incidentId}\`: nothing was created. Run asks the engine for this plan.`,
    ),
  );
  return reply(`Dry run of ${plan.playbook} for ${incidentId}: nothing was created.`, blocks);
}

/** "Other suggestions": every other candidate with its score and reasons, for the clicker. */
export function renderOtherSuggestions(
  incidentId: string,
  lines: TriageSuggestionLine[],
): SlackReply {
  if (lines.length === 0) {
    const text = `No other playbook matched ${incidentId}.`;
    return reply(text, [section(text)]);
  }
  return reply(`${lines.length} other playbook(s) for ${incidentId}`, [
    section(`*Other playbooks for \`${incidentId}\`*\n${suggestionsText(lines)}`),
  ]);
}

/** A short answer to the clicker: an emoji line and a detail line. */
export function renderTriageNotice(headline: string, detail?: string): SlackReply {
  // Engine sentences: their user mentions stay, anything else that could ping or link is text.
  const blocks: Block[] = [section(botText(headline))];
  if (detail) blocks.push(context(botText(detail)));
  return reply(headline.replace(/[*`]/g, ''), blocks);
}
