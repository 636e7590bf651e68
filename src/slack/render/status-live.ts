import type { Finding } from '../../findings/index.ts';
import { type Block, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { renderFinding } from './run-message.ts';

/** `/mc status <service>`: one finding per environment, one after another. */
export function renderServiceStatus(findings: Finding[]): SlackReply {
  const blocks: Block[] = [];
  for (const finding of findings) {
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    blocks.push(...renderFinding(finding).blocks);
  }
  return reply(findings.map((f) => f.summary).join('\n'), blocks);
}

/** `/mc status` without a service: a line per service and environment; problems named. */
export function renderStatusLines(
  lines: { service: string; summaries: string[]; problem?: string }[],
): SlackReply {
  const text = lines
    .map((l) =>
      l.problem
        ? `*${l.service}*: unavailable (${l.problem})`
        : `*${l.service}*: ${l.summaries.map((s) => s.replace(`${l.service} in `, '')).join(' · ')}`,
    )
    .map(escapeMrkdwn)
    .join('\n');
  return reply(text.replace(/\*/g, ''), [section(text)]);
}
