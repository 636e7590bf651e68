import type { Finding } from '../../findings/index.ts';
import { type Block, reply, type SlackReply } from './blocks.ts';
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
