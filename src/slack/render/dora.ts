import type { Scorecard } from '../../dora/scorecard.ts';
import { envSections, scopeLine, targetLine } from '../../dora/scorecard-lines.ts';
import { humanSeconds } from '../../dora/stats.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

const MARK = { met: ':white_check_mark:', missed: ':x:', 'no data': ':grey_question:' } as const;

/** The scorecard as a Slack reply: per environment the four keys with trends, then the targets. */
export function renderDora(card: Scorecard, options: { evidenceUrl?: string } = {}): SlackReply {
  const scope = scopeLine(card);
  const blocks: Block[] = [section(`*Delivery scorecard* · ${escapeMrkdwn(scope)}`)];
  const plain: string[] = [`Delivery scorecard: ${scope}`];
  for (const { env, lines } of envSections(card)) {
    const text = lines.map((l) => `• ${l.label}: ${l.value} · ${l.trend}`);
    blocks.push(section(`*${escapeMrkdwn(env)}*\n${escapeMrkdwn(text.join('\n'))}`));
    plain.push(env, ...text);
  }
  if (card.targets.length > 0) {
    const lines = card.targets.map((t) => `${MARK[t.status]} ${escapeMrkdwn(targetLine(t))}`);
    blocks.push(section(`*Targets* (catalog.yml dora.targets)\n${lines.join('\n')}`));
    plain.push('Targets', ...card.targets.map(targetLine));
  }
  const window = humanSeconds(card.report.attributionWindowSeconds);
  const link = options.evidenceUrl
    ? ` · <${options.evidenceUrl}|every change and incident counted>`
    : '';
  blocks.push(
    context(
      `Rollbacks, reverts and incidents count against a deploy within ${escapeMrkdwn(window)}. Medians and p90, from the change log and triage incidents.${link}`,
    ),
  );
  return reply(plain.join('\n'), blocks);
}
