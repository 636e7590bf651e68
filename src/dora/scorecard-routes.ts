import { asyncRoute, type HttpRoute, sendText } from '../http/route.ts';
import type { Queryable } from '../store/db.ts';
import type { Logger } from '../telemetry/logger.ts';
import { renderScorecardPage } from './scorecard-page.ts';
import { readScorecard } from './scorecard-runs.ts';

const PERIOD = /^\d{4}-\d{2}-\d{2}T\d{4}$/;

/** GET /dora/scorecards/:period: the evidence page of a posted scorecard. */
export function scorecardRoutes(options: {
  db: Queryable;
  log: Pick<Logger, 'error'>;
}): HttpRoute[] {
  const handler = asyncRoute(
    async (req, res) => {
      const period = req.params?.period ?? '';
      const html = (status: number, body: string) =>
        sendText(res, status, body, 'text/html; charset=utf-8');
      if (!PERIOD.test(period)) {
        return html(
          400,
          `<p>"${period.replace(/[^\w-]/g, '')}" is not a scorecard period: they look like 2026-12-07T0900.</p>`,
        );
      }
      const stored = await readScorecard(options.db, period);
      if (!stored) return html(404, `<p>No scorecard for ${period}.</p>`);
      if (stored.state !== 'posted') {
        return html(
          404,
          `<p>The scorecard for ${period} was not posted (${stored.state}${stored.error ? `: ${stored.error.replace(/[<>&]/g, '')}` : ''}).</p>`,
        );
      }
      html(
        200,
        renderScorecardPage(period, stored.report as Parameters<typeof renderScorecardPage>[1]),
      );
    },
    (error, req) => options.log.error({ err: error, url: req.url }, 'scorecard page failed'),
  );
  return [{ path: '/dora/scorecards/:period', method: 'GET', handler }];
}
