import { describeSeconds } from '../../domain/drills/describe-seconds.ts';
import type { DrillResult } from '../../domain/drills/drill-result.ts';
import { context, reply, type SlackReply, section } from './blocks.ts';
import { slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';

const ICON: Record<DrillResult['outcome'], string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  aborted: ':octagonal_sign:',
  'restore-failed': ':rotating_light:',
};

/** `/mc drill report`: recent drills, newest first, with measured recovery times and results. */
export function renderDrillReport(input: {
  results: DrillResult[];
  service?: string | undefined;
  sinceSeconds: number;
}): SlackReply {
  const which = input.service ? `\`${input.service}\`` : 'every service';
  const head = `*Drills of ${which} in the last ${describeSeconds(input.sinceSeconds)}*`;
  if (input.results.length === 0) {
    const text = `No drills of ${input.service ?? 'any service'} in the last ${describeSeconds(input.sinceSeconds)}. Run one with \`/mc drill &lt;scenario&gt; &lt;service&gt;\`.`;
    return reply(text, [section(text)]);
  }
  const lines = input.results.map((r) => {
    const recovery =
      r.recoverySeconds === null
        ? 'recovery not observed'
        : `recovered in ${describeSeconds(r.recoverySeconds)}`;
    const legs = (r.legs ?? []).map(
      (l) => `${l.name} ${l.seconds === null ? '—' : describeSeconds(l.seconds)}`,
    );
    const link = r.evidenceUrl ? ` · ${slackLink(r.evidenceUrl, 'evidence')}` : '';
    return `${ICON[r.outcome]} \`${r.scenario}\` on \`${r.service}/${r.env}\` ${slackDate(new Date(r.finishedAt))}: *${r.outcome}*, ${recovery} (RTO ${describeSeconds(r.rtoSeconds)})${legs.length ? `; ${legs.join(', ')}` : ''}${link}`;
  });
  const passed = input.results.filter((r) => r.outcome === 'passed').length;
  const text = `${head}\n${lines.join('\n')}`;
  return reply(text.replace(/\*/g, ''), [
    section(head),
    section(lines.join('\n')),
    context(
      `${passed} of ${input.results.length} passed. The release gate's \`drill-fresh\` check counts passed drills only.`,
    ),
  ]);
}
