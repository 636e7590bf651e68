import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';

/** One incident in a `/mc triage` answer. */
export interface TriageReportLine {
  id: string;
  /** `checkout/prod: KubePodCrashLooping and 2 more`. */
  title: string;
  state: 'open' | 'resolved' | 'closed';
  top?: { playbook: string; score: number };
  /** Where its message is (or is being posted). */
  channel: string;
}

/** What `/mc triage` found and did, for the person who typed it. */
export interface TriageReport {
  /** `checkout`, `incident Q2W3E4R5T6Y7U8`, `every service`. */
  scope: string;
  alerts: number;
  pages: number;
  incidents: TriageReportLine[];
  problems: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The ephemeral answer to `/mc triage`: counts, each incident with its top suggestion, problems. */
export function renderTriageReport(report: TriageReport): SlackReply {
  const counts = `${plural(report.alerts, 'firing alert')}, ${plural(report.pages, 'open PagerDuty incident')}`;
  const blocks: Block[] = [];
  let headline: string;
  if (report.incidents.length === 0) {
    headline =
      report.alerts + report.pages === 0
        ? `Nothing open for ${report.scope}: ${counts}.`
        : `Nothing to triage for ${report.scope}: ${counts}, all noise.`;
    blocks.push(section(`:white_check_mark: ${escapeMrkdwn(headline)}`));
  } else {
    headline = `Triage of ${report.scope}: ${counts} → ${plural(report.incidents.length, 'incident')}.`;
    const lines = report.incidents.map((i) => {
      const top = i.top
        ? `suggested \`${i.top.playbook}\` (score ${i.top.score})`
        : i.state === 'open'
          ? 'no playbook fits'
          : i.state;
      return `• \`${i.id}\` ${escapeMrkdwn(i.title)} — ${top} · message in ${escapeMrkdwn(i.channel)}`;
    });
    blocks.push(section(`:mag: *${escapeMrkdwn(headline)}*\n${lines.join('\n')}`));
  }
  for (const problem of report.problems) blocks.push(context(`:warning: ${problem}`));
  return reply(headline, blocks);
}
