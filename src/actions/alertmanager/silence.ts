import type { AlertmanagerClient } from '../../adapters/alertmanager/create-alertmanager-client.ts';
import { formatMatcher } from '../../adapters/alertmanager/create-alertmanager-client.ts';
import { parseDuration } from '../../domain/commands/value-types.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { parseBefore } from '../parse-before.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext } from '../types.ts';
import { SilenceBefore, SilenceParams } from './schema.ts';

function requireAlertmanager(ctx: ActionContext): AlertmanagerClient {
  if (ctx.alertmanager) return ctx.alertmanager;
  throw new ActionError(
    'not_configured',
    'alertmanager.silence needs Alertmanager, which is not configured: set ALERTMANAGER_URL.',
  );
}

function selector(p: SilenceParams): string {
  return `{${p.matchers.map(formatMatcher).join(', ')}}`;
}

function silenceWindow(ctx: ActionContext, p: SilenceParams) {
  const startsAt = ctx.now();
  const endsAt = new Date(startsAt.getTime() + (parseDuration(p.duration) ?? 0) * 1000);
  return { startsAt, endsAt };
}

/** `2026-03-01 14:05 UTC`. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `alertmanager.silence`: silences alerts by label matchers for a bounded time. */
export const silence = defineAction<SilenceParams>({
  name: 'alertmanager.silence',
  summary: 'Silence matching Alertmanager alerts for a while (at most 24h)',
  params: SilenceParams,
  reversible: true,

  async plan(ctx, p) {
    const am = requireAlertmanager(ctx);
    const firing = await am.alerts({ filter: p.matchers, active: true, silenced: false });
    const { endsAt } = silenceWindow(ctx, p);
    const names = [...new Set(firing.map((a) => a.labels.alertname ?? '?'))].slice(0, 5);
    return {
      summary: `silence alerts matching ${selector(p)} for ${p.duration} (until ${utc(endsAt)})`,
      diff: [`+ silence ${selector(p)} until ${utc(endsAt)}: ${p.comment}`],
      affected: `${firing.length} firing alert${firing.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}`,
    };
  },

  async apply(ctx, p) {
    const am = requireAlertmanager(ctx);
    const { startsAt, endsAt } = silenceWindow(ctx, p);
    const silenceId = await am.createSilence({
      matchers: p.matchers,
      startsAt,
      endsAt,
      createdBy: ctx.actor ?? 'maestro-conductor',
      comment: p.comment,
    });
    return {
      before: { silenceId, existed: false },
      after: { silenceId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
    };
  },

  async verify(ctx, _p, applied, options = {}) {
    const am = requireAlertmanager(ctx);
    const { silenceId } = parseBefore(SilenceBefore, applied.before, 'alertmanager.silence');
    return pollUntil(ctx, options, 30_000, async () => {
      const found = await am.getSilence(silenceId);
      const state = found?.status.state ?? 'missing';
      const detail = `silence ${silenceId} is ${state}${found ? ` until ${utc(new Date(found.endsAt))}` : ''}`;
      if (state === 'active') return { done: true, ok: true, detail };
      return { done: state !== 'pending', ok: false, detail };
    });
  },

  async revert(ctx, _p, raw) {
    const am = requireAlertmanager(ctx);
    const { silenceId } = parseBefore(SilenceBefore, raw, 'alertmanager.silence');
    const found = await am.getSilence(silenceId);
    if (!found || found.status.state === 'expired') return;
    await am.expireSilence(silenceId);
  },
});
