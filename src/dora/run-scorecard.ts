import { lastFire, periodKey } from '../domain/catalog/scorecard-schedule.ts';
import type { Db } from '../store/db.ts';
import { svgToPng } from './chart-png.ts';
import { scorecardSvg } from './chart-svg.ts';
import { readLiveDoraInput } from './live-source.ts';
import type { DoraSettings } from './schema.ts';
import { attributionMs, buildScorecard, type Scorecard } from './scorecard.ts';
import { claimScorecard, finishScorecard } from './scorecard-runs.ts';
import { durationMs } from './stats.ts';
import { weeklySeries } from './weekly-series.ts';

const WEEKS_CHARTED = 8;

/** A scorecard ready to publish: the figures, the chart (SVG and PNG) and its evidence link. */
export interface ScorecardDocument {
  period: string;
  channel: string;
  card: Scorecard;
  svg: string;
  png: Buffer;
  evidenceUrl: string;
}

/** Posts a scorecard where people read it (the Slack edge implements this). */
export type PublishScorecard = (doc: ScorecardDocument) => Promise<{ fileId?: string }>;

export interface ScorecardRunnerOptions {
  db: Db;
  settings: DoraSettings | undefined;
  environments: string[];
  production: string;
  clock: () => Date;
  /** This process, as the claim records it. */
  owner: string;
  publicUrl: string;
  publish: PublishScorecard;
}

/** The chart of the `weeks` weeks up to `until`, per week, for the production environment. */
export async function scorecardChart(
  options: Pick<ScorecardRunnerOptions, 'db' | 'settings' | 'production'> & {
    until: Date;
    title: string;
    service?: string;
  },
): Promise<string> {
  const windowMs = attributionMs(options.settings);
  const input = await readLiveDoraInput(options.db, {
    since: new Date(options.until.getTime() - WEEKS_CHARTED * 7 * 86_400_000),
    until: options.until,
    attributionWindowMs: windowMs,
  });
  const points = weeklySeries(input, {
    until: options.until,
    weeks: WEEKS_CHARTED,
    env: options.production,
    service: options.service,
    attributionWindowMs: windowMs,
  });
  return scorecardSvg(options.title, points);
}

/**
 * Posts the scorecard of the schedule's latest firing, if no replica has: the period is
 * claimed in the store first, so it is posted once however many replicas tick. A publish that
 * fails is recorded as failed and not retried (a second post would be worse than none).
 */
export async function runDueScorecard(
  options: ScorecardRunnerOptions,
): Promise<'none' | 'taken' | 'posted' | 'failed'> {
  const scorecard = options.settings?.scorecard;
  if (!scorecard) return 'none';
  const periodMs = durationMs(scorecard.period) ?? 7 * 86_400_000;
  const now = options.clock();
  const fire = lastFire(scorecard.schedule, now, periodMs);
  if (!fire) return 'none';
  const period = periodKey(fire);
  const since = new Date(fire.getTime() - periodMs);
  const claimed = await claimScorecard(options.db, {
    period,
    since,
    until: fire,
    owner: options.owner,
    at: now,
  });
  if (!claimed) return 'taken';
  try {
    const card = await buildScorecard({
      db: options.db,
      settings: options.settings,
      environments: options.environments,
      production: options.production,
      since,
      until: fire,
    });
    const svg = await scorecardChart({
      ...options,
      until: fire,
      title: `Delivery scorecard, week to ${fire.toISOString().slice(0, 10)} (${options.production})`,
    });
    const evidenceUrl = `${options.publicUrl.replace(/\/$/, '')}/dora/scorecards/${period}`;
    const png = await svgToPng(svg);
    const doc = { period, channel: scorecard.channel, card, svg, png, evidenceUrl };
    const { fileId } = await options.publish(doc);
    await finishScorecard(options.db, period, {
      state: 'posted',
      report: { card, svg },
      channel: scorecard.channel,
      ...(fileId ? { fileId } : {}),
      at: options.clock(),
    });
    return 'posted';
  } catch (error) {
    await finishScorecard(options.db, period, {
      state: 'failed',
      error: error instanceof Error ? error.message : String(error),
      at: options.clock(),
    });
    throw error;
  }
}
