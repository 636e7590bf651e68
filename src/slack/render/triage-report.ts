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
  /** Firing alerts read; undefined when Alertmanager was not asked or did not answer. */
  alerts: number | undefined;
  /** Open PagerDuty incidents read; undefined when PagerDuty was not asked or did not answer. */
  pages: number | undefined;
  incidents: TriageReportLine[];
  problems: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The ephemeral answer to `/mc triage`: counts, each incident with its top suggestion, problems. */
export function renderTriageReport(report: TriageReport): SlackReply {
  // Only a source that answered gets a count: "0 firing alerts" from an unasked Alertmanager lies.
  const counts = [
    report.alerts === undefined ? 'firing alerts not read' : plural(report.alerts, 'firing alert'),
    report.pages === undefined
      ? 'PagerDuty incidents not read'
      : plural(report.pages, 'open PagerDuty incident'),
  ].join(', ');
  const seen = (report.alerts ?? 0) + (report.pages ?? 0);
  const blocks: Block[] = [];
  let headline: string;
  const unread = [report.alerts, report.pages].filter((n) => n === undefined).length;
  if (report.incidents.length === 0) {
    headline =
      unread === 2
        ? `Could not triage ${report.scope}: ${counts}.`
        : seen > 0
          ? `Nothing to triage for ${report.scope}: ${counts}, all noise.`
          : unread === 1
            ? `Nothing open for ${report.scope} in the source that answered: ${counts}.`
            : `Nothing open for ${report.scope}: ${counts}.`;
    const icon = unread > 0 ? ':warning:' : ':white_check_mark:';
    blocks.push(section(`${icon} ${escapeMrkdwn(headline)}`));
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
