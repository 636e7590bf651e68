import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionError } from '../../src/actions/action-error.ts';
import { ack } from '../../src/actions/pagerduty/ack.ts';
import { note } from '../../src/actions/pagerduty/note.ts';
import type { ActionContext } from '../../src/actions/types.ts';
import { createPagerDutyClient } from '../../src/adapters/pagerduty/client.ts';
import {
  type PagerDutyEmulator,
  startPagerDutyEmulator,
} from '../../src/sandbox/pagerduty/emulator.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { startWorld, type World } from './world.ts';

describe('src/actions/pagerduty: ack and note', () => {
  let pd: PagerDutyEmulator;
  let world: World;
  let ctx: ActionContext;
  let incidentId: string;

  beforeEach(async () => {
    pd = await startPagerDutyEmulator({
      users: [{ name: 'On Call', email: 'oncall@example.com' }],
    });
    const service = pd.seedService({ name: 'checkout (prod)' });
    incidentId = pd.seedIncident({ title: 'Checkout 5xx above 2%', serviceId: service.id }).id;
    const pagerduty = createPagerDutyClient({
      token: pd.token,
      apiUrl: pd.url,
      from: 'oncall@example.com',
      log: createLogger({ level: 'silent' }),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    world = await startWorld({}, { pagerduty });
    ctx = world.ctx;
  });
  afterEach(async () => {
    await world.close();
    await pd.close();
  });

  it('acknowledges a triggered incident, says it cannot be undone, and refuses revert', async () => {
    const number = pd.incident(incidentId)?.incident_number;
    const plan = await ack.plan(ctx, { incidentId });
    expect(plan.summary).toBe(
      `acknowledge PagerDuty incident #${number} "Checkout 5xx above 2%" (triggered, service checkout (prod))`,
    );
    expect(plan.warnings?.[0]).toMatch(
      /^Cannot be undone: PagerDuty cannot un-acknowledge an incident/,
    );

    const applied = await ack.apply(ctx, { incidentId });
    expect(applied).toEqual({
      before: { incidentId, status: 'triggered' },
      after: { incidentId, status: 'acknowledged' },
    });
    expect(pd.incident(incidentId)?.status).toBe('acknowledged');
    expect((await ack.verify(ctx, { incidentId }, applied, { pollMs: 10 })).ok).toBe(true);
    expect(await ack.plan(ctx, { incidentId })).toMatchObject({ noop: true });

    const error = await ack.revert(ctx, { incidentId }, applied.before).catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('not_reversible');
    expect(pd.incident(incidentId)?.status).toBe('acknowledged');
    expect(pd.unexpected).toEqual([]);
  });

  it('refuses to acknowledge a resolved incident', async () => {
    const service = pd.seedService({ name: 'search' });
    const resolved = pd.seedIncident({
      title: 'old',
      serviceId: service.id,
      status: 'resolved',
    }).id;
    const error = await ack.plan(ctx, { incidentId: resolved }).catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('refused');
    expect((error as Error).message).toMatch(/is resolved; there is nothing to acknowledge\.$/);
  });

  it('adds a note to the incident timeline', async () => {
    const p = { incidentId, content: 'Rolled checkout back to 1.4.1 (run r-123).' };
    expect((await note.plan(ctx, p)).diff).toEqual([
      '+ note: Rolled checkout back to 1.4.1 (run r-123).',
    ]);
    const applied = await note.apply(ctx, p);
    const notes = pd.notes(incidentId);
    expect(notes.map((n) => n.content)).toEqual([p.content]);
    expect(applied.after).toMatchObject({ incidentId, noteId: notes[0]?.id });
    expect(await note.verify(ctx, p, applied, {})).toEqual({
      ok: true,
      detail: `note ${notes[0]?.id} added to incident ${incidentId}`,
    });
    await expect(note.revert(ctx, p, applied.before)).rejects.toThrow(
      'pagerduty.note is not reversible',
    );
  });

  it('says PagerDuty is not configured when the context has no client', async () => {
    const error = await ack
      .plan({ ...ctx, pagerduty: undefined }, { incidentId })
      .catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('not_configured');
    expect((error as Error).message).toMatch(/set PAGERDUTY_TOKEN/);
  });
});
