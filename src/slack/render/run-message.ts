import type { RunState, RunStepState } from '../../domain/runs/index.ts';
import type { Finding, FindingButton, FindingStep } from '../../findings/index.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { slackLink } from './outside-text.ts';
import { lineMrkdwn } from './run-inline.ts';
import { cutMrkdwn } from './safe-cut.ts';
import { botTextWithDates, textWithDates } from './text-dates.ts';

/** The emoji that leads a run's headline, by state. */
export const STATE_EMOJI: Record<RunState, string> = {
  planned: ':clipboard:',
  awaiting_approval: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  executing: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  reverting: ':rewind:',
  reverted: ':leftwards_arrow_with_hook:',
  rejected: ':no_entry:',
  expired: ':alarm_clock:',
  cancelled: ':heavy_multiplication_x:',
  interrupted: ':warning:',
};

const STEP_EMOJI: Record<RunStepState, string> = {
  pending: ':white_small_square:',
  running: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  reverted: ':leftwards_arrow_with_hook:',
  revert_failed: ':bangbang:',
};

/** Block id of the buttons row. */
export const RUN_ACTIONS_BLOCK = 'run-actions';

const cut = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: cut(text, max),
});

function stepBlock(step: FindingStep): Block {
  const mark = step.state ? `${STEP_EMOJI[step.state]} ` : '';
  const oneWay = step.reversible ? '' : ' · _cannot be undone_';
  const lines = [`${mark}*Step ${step.number}* · \`${step.action}\`${oneWay}`];
  lines.push(textWithDates(step.summary));
  if (step.diff.length > 0) lines.push(`\`\`\`\n${escapeMrkdwn(step.diff.join('\n'))}\n\`\`\``);
  if (step.affected) lines.push(`_${textWithDates(step.affected)}_`);
  for (const warning of step.warnings) lines.push(`:warning: ${textWithDates(warning)}`);
  if (step.error) lines.push(`:x: ${botTextWithDates(step.error)}`);
  return section(lines.join('\n'));
}

function buttonElement(button: FindingButton) {
  return {
    type: 'button' as const,
    action_id: button.actionId,
    text: { ...plain(button.text, 75), emoji: true },
    value: button.value,
    ...(button.style ? { style: button.style } : {}),
    ...(button.confirm
      ? {
          confirm: {
            title: plain(button.confirm.title, 100),
            text: plain(button.confirm.text, 300),
            confirm: plain(button.confirm.confirm, 30),
            deny: plain(button.confirm.deny, 30),
            ...(button.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

/**
 * A finding as one Slack message: headline with the state's emoji, the fields, each step with
 * its diff, progress, problems, notes, buttons, and a footer with the ids and evidence link.
 */
export function renderFinding(finding: Finding): SlackReply {
  const emoji = finding.state ? STATE_EMOJI[finding.state] : ':mag:';
  const blocks: Block[] = [
    section(`${emoji} *${escapeMrkdwn(finding.title)}* — ${escapeMrkdwn(finding.status)}`),
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
  blocks.push(...finding.steps.map(stepBlock));
  if (finding.progress) blocks.push(context(`:hourglass: ${textWithDates(finding.progress)}`));
  for (const problem of finding.problems) blocks.push(section(`:x: ${lineMrkdwn(problem)}`));
  for (const note of finding.notes) blocks.push(context(lineMrkdwn(note)));
  if (finding.buttons.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: RUN_ACTIONS_BLOCK,
      elements: finding.buttons.map(buttonElement),
    });
  }
  const links = finding.links.map((link) => slackLink(link.url, link.text));
  blocks.push(context([lineMrkdwn(finding.footer), ...links].join(' · ')));
  return reply(finding.summary, blocks);
}
