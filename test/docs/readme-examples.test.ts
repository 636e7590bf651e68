import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePodShare } from '../../src/domain/drills/pod-share.ts';
import { checkReason } from '../../src/domain/policy/index.ts';
import type { SlackReply } from '../../src/slack/render/blocks.ts';
import { renderHealthLines } from '../../src/slack/render/status-views.ts';
import { renderTriageReport } from '../../src/slack/render/triage-report.ts';
import { REPO_ROOT } from '../support/slack.ts';

const README = path.join(REPO_ROOT, 'README.md');
const START = '<!-- examples: written by test/docs/readme-examples.test.ts (UPDATE_README=1) -->';
const END = '<!-- examples: end -->';

/** A reply's blocks as the mrkdwn Slack receives (what the README quotes). */
function mrkdwn(reply: SlackReply): string {
  return reply.blocks
    .flatMap((b) => {
      const block = b as { text?: { text: string }; elements?: { text?: string }[] };
      return block.text ? [block.text.text] : (block.elements ?? []).map((e) => e.text ?? '');
    })
    .join('\n');
}

/** The example messages, rendered by the code that renders them in Slack. */
function examples(): string {
  const status = renderHealthLines([
    { service: 'checkout', env: 'staging', state: 'complete' },
    { service: 'checkout', env: 'prod', state: 'progressing, locked by a run' },
    { service: 'payments', env: 'prod', state: 'complete, 2 alerts firing' },
    { service: 'payments', env: 'staging', state: 'complete' },
  ]);
  const triage = renderTriageReport({
    scope: 'checkout',
    alerts: undefined,
    pages: 1,
    incidents: [],
    problems: [
      'Alertmanager is not configured (set `ALERTMANAGER_URL`): firing alerts were not read.',
    ],
  });
  const reason = checkReason({
    requirements: { command: 'deploy', env: 'prod', reasonRequired: true },
    typed: 'deploy payments 1.4.2 --env prod',
  });
  return [
    '`/mc status` (one line per service and environment, anything abnormal first):',
    '```',
    mrkdwn(status),
    '```',
    '`/mc triage checkout` with Alertmanager unset: no count is claimed for a source not read:',
    '```',
    mrkdwn(triage),
    '```',
    'A missing reason is answered with the command to copy:',
    '```',
    reason.ok ? '' : reason.message,
    '```',
    `A pod-kill drill's blast radius: "Deletes ${describePodShare({ percent: 33 }, { deleted: 1, of: 2 })} of \`checkout/staging\`".`,
  ].join('\n');
}

describe('README.md example messages', () => {
  it('are the ones the renderers produce (UPDATE_README=1 rewrites them)', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `README.md needs the ${START} marker`).toBeGreaterThan(0);
    const written = `${START}\n${examples()}\n${END}`;
    if (process.env.UPDATE_README === '1') {
      writeFileSync(README, readme.slice(0, start) + written + readme.slice(end + END.length));
      return;
    }
    expect(readme.slice(start, end + END.length)).toBe(written);
  });
});
