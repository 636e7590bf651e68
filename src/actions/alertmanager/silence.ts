import { z } from 'zod';
import type { AlertmanagerClient } from '../../adapters/alertmanager/create-alertmanager-client.ts';
import { formatMatcher } from '../../adapters/alertmanager/create-alertmanager-client.ts';
import type { Silence } from '../../adapters/alertmanager/schema.ts';
import { parseDuration } from '../../domain/commands/value-types.ts';
import { isoInstant } from '../../util/iso-instant.ts';
import { ActionError } from '../action-error.ts';
import { defineAction } from '../define-action.ts';
import { parseBefore } from '../parse-before.ts';
import { pollUntil } from '../poll-until.ts';
import type { ActionContext, Intent, Reconciled } from '../types.ts';
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

function createdBy(ctx: ActionContext): string {
  return ctx.actor ?? 'maestro-conductor';
}

/** A silence this step would create: same matchers, comment and author, not expired. */
function sameSilence(ctx: ActionContext, p: SilenceParams, s: Silence): boolean {
  const key = (m: { name: string; value: string; isRegex: boolean; isEqual?: boolean }) =>
    `${m.name}|${m.value}|${m.isRegex}|${m.isEqual ?? true}`;
  const mine = p.matchers.map(key).sort().join('\n');
  return (
    s.status.state !== 'expired' &&
    s.comment === p.comment &&
    s.createdBy === createdBy(ctx) &&
    s.matchers.map(key).sort().join('\n') === mine
  );
}

/** Applied when a matching silence exists that was not there when planned. */
async function observe(ctx: ActionContext, p: SilenceParams, intent: Intent): Promise<Reconciled> {
  const { existing } = parseBefore(Existing, intent.before, 'alertmanager.silence');
  const silences = await requireAlertmanager(ctx).listSilences();
  const found = silences.find((s) => sameSilence(ctx, p, s) && !existing.includes(s.id));
  if (!found) return { state: 'not_applied', detail: `no silence ${selector(p)} yet` };
  return {
    state: 'applied',
    detail: `silence ${found.id} ${selector(p)} is ${found.status.state}`,
    applied: {
      before: { silenceId: found.id, existed: false },
      after: { silenceId: found.id, startsAt: found.startsAt, endsAt: found.endsAt },
    },
  };
}

const Existing = z.object({ existing: z.array(z.string()) });

/** `alertmanager.silence`: silences alerts by label matchers for a bounded time. */
export const silence = defineAction<SilenceParams>({
  name: 'alertmanager.silence',
  summary: 'Silence matching Alertmanager alerts for a while (at most 24h)',
  params: SilenceParams,
  reversible: true,

  async plan(ctx, p) {
    const am = requireAlertmanager(ctx);
    const firing = await am.alerts({ filter: p.matchers, active: true, silenced: false });
    const names = [...new Set(firing.map((a) => a.labels.alertname ?? '?'))].slice(0, 5);
    // Silences like this one already there: a retry recognises its own as the one not listed.
    const existing = (await am.listSilences()).filter((s) => sameSilence(ctx, p, s));
    return {
      // The window starts when the step runs, not when it is planned: no end time to promise yet.
      summary: `silence alerts matching ${selector(p)} for ${p.duration} from when this step runs`,
      diff: [`+ silence ${selector(p)} for ${p.duration}: ${p.comment}`],
      affected: `${firing.length} firing alert${firing.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}`,
      intent: {
        before: { existing: existing.map((s) => s.id) },
        after: { matchers: p.matchers, duration: p.duration, comment: p.comment },
      },
    };
  },

  async apply(ctx, p, intent) {
    const reconciled = await observe(ctx, p, intent);
    if (reconciled.state === 'applied' && reconciled.applied) return reconciled.applied;
    const am = requireAlertmanager(ctx);
    const { startsAt, endsAt } = silenceWindow(ctx, p);
    const silenceId = await am.createSilence({
      matchers: p.matchers,
      startsAt,
      endsAt,
      createdBy: createdBy(ctx),
      comment: p.comment,
    });
    return {
      before: { silenceId, existed: false },
      after: { silenceId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
    };
  },

  reconcile: observe,

  async verify(ctx, _p, applied, options = {}) {
    const am = requireAlertmanager(ctx);
    const { silenceId } = parseBefore(SilenceBefore, applied.before, 'alertmanager.silence');
    return pollUntil(ctx, options, 30_000, async () => {
      const found = await am.getSilence(silenceId);
      const state = found?.status.state ?? 'missing';
      const detail = `silence ${silenceId} is ${state}${found ? ` until ${isoInstant(new Date(found.endsAt))}` : ''}`;
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
