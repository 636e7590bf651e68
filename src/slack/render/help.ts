import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

// Keep each section well under Slack's 3,000-character limit by grouping paragraphs.
const SECTION_BUDGET = 2800;

/** The neutral help text of commands/ (mrkdwn-friendly backticks) as an ephemeral reply. */
export function renderHelpReply(helpText: string, verb?: string): SlackReply {
  const blocks: Block[] = [];
  let current = '';
  for (const paragraph of escapeMrkdwn(helpText.trim()).split(/\n{2,}/)) {
    if (current && current.length + paragraph.length + 2 > SECTION_BUDGET) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) blocks.push(section(current));
  const footer = verb
    ? 'Type `/mc help` for every command.'
    : 'Answers here are only visible to you.';
  return reply(escapeMrkdwn(helpText), [...blocks, context(footer)]);
}
