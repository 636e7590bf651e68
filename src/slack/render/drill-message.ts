import { describeSeconds } from '../../domain/drills/describe-seconds.ts';
import type { DrillResult, SloImpact } from '../../domain/drills/drill-result.ts';
import type { Drill } from '../../drills/drill-store.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';

export const DRILL_ABORT_ACTION = 'drill.abort';
export const DRILL_RETRY_ACTION = 'drill.retry-restore';

const STATUS: Record<Drill['state'], string> = {
  awaiting_run: ':hourglass_flowing_sand: waiting for the fault run to be confirmed or approved',
  measuring: ':stopwatch: fault injected, measuring recovery',
  restoring: ':arrows_counterclockwise: restoring',
  restore_failed: ':rotating_light: *RESTORE FAILED*: the fault may still be in place',
  finished: 'finished',
  cancelled: ':no_entry_sign: cancelled: the fault was never injected',
};

const OUTCOME: Record<DrillResult['outcome'], string> = {
  passed: ':white_check_mark: *PASSED*',
  failed: ':x: *FAILED*',
  aborted: ':octagonal_sign: *ABORTED*',
  'restore-failed': ':rotating_light: *RESTORE FAILED*',
};

const bullets = (lines: readonly string[]) => lines.map((l) => `• ${l}`).join('\n');
const secs = (s: number | null | undefined) =>
  s === null || s === undefined ? 'not observed' : describeSeconds(s);

/** One SLO's impact as a line: worst value, breached or not, for how long. */
export function sloLine(s: SloImpact): string {
  const worst = s.worst === null ? 'no data' : String(Number(s.worst.toPrecision(4)));
  const breach = s.breached
    ? `breached for ~${describeSeconds(s.breachSeconds)}`
    : 'never breached';
  return `\`${s.name}\` (${s.comparison} ${s.threshold}): worst ${worst}, ${breach} (${s.samples} samples)`;
}

/** The recovery condition in words. */
function recoveryLine(drill: Drill): string {
  const c = drill.plan.recovery;
  const rto = `RTO ${describeSeconds(drill.plan.rtoSeconds)}`;
  if (c.kind === 'replicas-available') {
    return `every wanted pod of \`${drill.plan.faultTarget.service}/${drill.env}\` ready again · ${rto}`;
  }
  if (c.kind === 'rollout-complete') return `the rollback rolled out healthy · ${rto}`;
  return `${escapeMrkdwn(c.description ?? c.query)} (\`${escapeMrkdwn(c.query)} ${c.comparison} ${c.threshold}\`) · ${rto}`;
}

/** Most timeline events the message shows; older ones are counted, not listed. */
export const TIMELINE_SHOWN = 10;
// A section holds 3,000 characters: the heading and the "earlier" line fit in what is left.
const TIMELINE_ROOM = 2_900;
// Escaping grows text up to 5× (`&` → `&amp;`): a clipped event always fits, so the newest shows.
const EVENT_CHARS = 500;

/** The newest events that fit, oldest first, after a line counting the ones left out. */
function timelineText(drill: Drill): string {
  const start = (drill.injectedAt ?? drill.createdAt).getTime();
  const lines = drill.progress.timeline.map((e) => {
    const offset = (Date.parse(e.at) - start) / 1000;
    const event = e.event.length > EVENT_CHARS ? `${e.event.slice(0, EVENT_CHARS - 1)}…` : e.event;
    return `\`${offset >= 0 ? '+' : ''}${offset.toFixed(1)}s\` ${escapeMrkdwn(event)}`;
  });
  const shown: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0 && shown.length < TIMELINE_SHOWN; i -= 1) {
    const line = lines[i]!;
    if (used + line.length + 1 > TIMELINE_ROOM) break;
    shown.unshift(line);
    used += line.length + 1;
  }
  const earlier = lines.length - shown.length;
  if (earlier === 0) return shown.join('\n');
  return [`_… ${earlier} earlier event${earlier === 1 ? '' : 's'}_`, ...shown].join('\n');
}

/** Who retried a failed restore: a Slack user as a mention, the bot itself in words. */
const who = (actor: string) =>
  /^[UW][A-Z0-9]{2,}$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);

/** Whether the Abort button is on the message: while the fault may still go in or is in. */
const abortable = (drill: Drill) => drill.state === 'awaiting_run' || drill.state === 'measuring';

/**
 * The drill's ONE message, edited in place from plan to result: the fault and its blast
 * radius, the restore plan and deadline, the recovery condition and RTO, what is happening
 * now, the timeline, and at the end the verdict with each leg, the SLO impact and the
 * evidence link. Abort while the fault may be in; Retry restore when the restore failed.
 */
export function renderDrillMessage(drill: Drill): SlackReply {
  const { plan } = drill;
  const where = `${drill.service}/${drill.env}`;
  const { restoredBy, restoredAt } = drill.progress;
  const restoredLater = drill.state === 'finished' && restoredAt !== undefined;
  const status = restoredLater
    ? `:white_check_mark: *RESTORED* after a failed restore (the result stays ${OUTCOME['restore-failed']})`
    : drill.state === 'finished' && drill.outcome
      ? OUTCOME[drill.outcome]
      : STATUS[drill.state];
  const blocks: Block[] = [
    section(`:test_tube: *Drill \`${drill.scenario}\` on \`${where}\`* · ${status}`),
    section(
      `*Fault* (run \`${drill.faultRun}\`)\n${bullets(plan.faultSummary ?? plan.faultSteps.map((s) => s.action))}\n*Blast radius*\n${bullets(plan.blastRadius)}`,
    ),
    section(
      `*Restore plan*: ${escapeMrkdwn(plan.restore.description)} At the latest ${describeSeconds(plan.deadlineSeconds)} after the fault${drill.restoreDeadline ? ` (by ${slackDate(drill.restoreDeadline)})` : ''}${abortable(drill) ? '; *Abort* restores at once' : ''}.\n*Recovery*: ${recoveryLine(drill)}`,
    ),
  ];
  if (drill.progress.now && (drill.state === 'measuring' || drill.state === 'restoring')) {
    blocks.push(section(`*Now*: ${escapeMrkdwn(drill.progress.now)}`));
  }
  if (drill.progress.timeline.length > 0)
    blocks.push(section(`*Timeline*\n${timelineText(drill)}`));
  const result = drill.result;
  if (result) {
    const lines = [
      `${OUTCOME[result.outcome]}: ${escapeMrkdwn(result.note ?? '')}`,
      `Recovery: ${secs(result.recoverySeconds)} (RTO ${describeSeconds(result.rtoSeconds)})`,
      ...(result.legs ?? []).map((l) => `${escapeMrkdwn(l.name)}: ${secs(l.seconds)}`),
      ...(result.sloImpact ?? []).map((s) => `SLO ${sloLine(s)}`),
      ...(restoredLater ? [`Restored by ${who(restoredBy ?? 'someone')} at ${restoredAt}`] : []),
      ...(result.evidenceUrl ? [slackLink(result.evidenceUrl, 'Signed evidence')] : []),
    ];
    blocks.push(section(`*Result*\n${bullets(lines)}`));
  }
  if (drill.state === 'restore_failed' && drill.progress.problem) {
    blocks.push(section(`:rotating_light: ${escapeMrkdwn(drill.progress.problem)}`));
  }
  blocks.push(
    context(
      `Requested by <@${drill.requester}>${drill.reason ? ` · “${escapeMrkdwn(drill.reason)}”` : ''}${drill.incident ? ` · incident ${drill.incident}` : ''} · \`${drill.id}\``,
    ),
  );
  const button = (action_id: string, text: string, style: 'danger' | 'primary') => ({
    type: 'button' as const,
    action_id,
    text: { type: 'plain_text' as const, text },
    value: drill.id,
    style,
  });
  if (abortable(drill)) {
    blocks.push({ type: 'actions', elements: [button(DRILL_ABORT_ACTION, 'Abort', 'danger')] });
  } else if (drill.state === 'restore_failed') {
    blocks.push({
      type: 'actions',
      elements: [button(DRILL_RETRY_ACTION, 'Retry restore', 'primary')],
    });
  }
  const headline = result
    ? `${result.outcome}${restoredLater ? ', restored since' : ''}: ${result.note ?? ''}`
    : STATUS[drill.state].replace(/:[a-z_]+: /, '');
  return reply(`Drill ${drill.scenario} on ${where}: ${headline}`, blocks);
}
