import type { Drill } from '../../drills/drill-store.ts';
import type { DrillNotice, InstructionPart } from '../../drills/types.ts';
import { escapeMrkdwn } from './blocks.ts';
import { slackDate } from './run-inline.ts';

/** A by-hand instruction in mrkdwn: what to type in code spans. */
const instruction = (parts: InstructionPart[]) =>
  parts.map((p) => (typeof p === 'string' ? p : `\`${p.code}\``)).join('');

/**
 * A drill notice as a line in its thread; `loud` lines (someone must act now) are also
 * broadcast to the channel.
 */
export function renderDrillNotice(
  drill: Drill,
  notice: DrillNotice,
): { text: string; loud: boolean } {
  switch (notice.kind) {
    case 'loop-failed':
      return {
        text: `:warning: The drill loop failed: ${escapeMrkdwn(notice.error)}. It resumes at the next start; check the fault by hand now.`,
        loud: true,
      };
    case 'resumed':
      return { text: ':recycle: The bot restarted; this drill resumes where it was.', loud: false };
    case 'resumed-past-deadline':
      return {
        text: `:recycle: The bot restarted while this drill was running; its restore deadline${notice.deadline ? ` (${slackDate(notice.deadline)})` : ''} has passed, so it is being restored now.`,
        loud: true,
      };
    case 'restored':
      return { text: `:white_check_mark: Restored: ${escapeMrkdwn(notice.detail)}.`, loud: false };
    case 'restore-failed':
      return {
        text: `<!here> :rotating_light: *Restore of drill \`${drill.id}\` FAILED*: ${escapeMrkdwn(notice.problem.replace(/\.+$/, ''))}. The fault may still be in place on \`${notice.where}\`. By hand: ${instruction(notice.byHand)}. Or click *Retry restore*.`,
        loud: true,
      };
    case 'incident-noted':
      return { text: `Noted on PagerDuty incident \`${notice.incident}\`.`, loud: false };
    case 'incident-note-failed':
      return {
        text: `Could not add a note to PagerDuty incident \`${notice.incident}\`: ${escapeMrkdwn(notice.error)}`,
        loud: false,
      };
  }
}
