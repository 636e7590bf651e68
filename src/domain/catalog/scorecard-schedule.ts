import { CronExpressionParser } from 'cron-parser';

/** A bad `dora.scorecard.schedule`, with what to write instead. */
export class ScheduleError extends Error {}

/** Checks a five-field cron expression (UTC); throws ScheduleError naming the problem. */
export function checkSchedule(schedule: string): void {
  if (schedule.trim().split(/\s+/).length !== 5) {
    throw new ScheduleError(
      `"${schedule}" is not a five-field cron expression (minute hour day month weekday), like "0 9 * * 1"`,
    );
  }
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (error) {
    throw new ScheduleError(
      `"${schedule}" is not a cron expression: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The latest time the schedule fired at or before `now`, if within `lookbackMs`. */
export function lastFire(schedule: string, now: Date, lookbackMs: number): Date | undefined {
  const cron = CronExpressionParser.parse(schedule, {
    tz: 'UTC',
    currentDate: new Date(now.getTime() + 1),
  });
  const fire = cron.prev().toDate();
  return now.getTime() - fire.getTime() <= lookbackMs ? fire : undefined;
}

/** `2026-12-07T0900`: the period key of a scorecard, safe in a URL. */
export function periodKey(fire: Date): string {
  const iso = fire.toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
