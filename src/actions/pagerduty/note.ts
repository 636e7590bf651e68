import { z } from 'zod';
import { defineAction } from '../define-action.ts';
import { applyIntent } from '../intent.ts';
import { parseBefore } from '../parse-before.ts';
import type { ActionContext, Intent, Reconciled } from '../types.ts';
import { describeIncident, requirePagerDuty } from './require-pagerduty.ts';
import { NoteParams } from './schema.ts';

function preview(content: string): string {
  const line = content.replace(/\s+/g, ' ');
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

const Existing = z.object({ existing: z.array(z.string()) });

/** Applied when a note with this text exists that was not there when planned. */
async function observe(ctx: ActionContext, p: NoteParams, intent: Intent): Promise<Reconciled> {
  const { existing } = parseBefore(Existing, intent.before, 'pagerduty.note');
  const notes = await requirePagerDuty(ctx, 'pagerduty.note').listNotes(p.incidentId);
  const added = notes.find((n) => n.content === p.content && !existing.includes(n.id));
  if (!added) {
    return { state: 'not_applied', detail: `incident ${p.incidentId} has no such note yet` };
  }
  const after = { incidentId: p.incidentId, noteId: added.id, createdAt: added.created_at };
  return {
    state: 'applied',
    detail: `note ${added.id} is on incident ${p.incidentId}`,
    applied: { before: intent.before, after },
  };
}

/** `pagerduty.note`: adds a note to an incident's timeline (what was done, links). */
export const note = defineAction<NoteParams>({
  name: 'pagerduty.note',
  summary: 'Add a note to a PagerDuty incident timeline',
  params: NoteParams,
  reversible: false,
  irreversible: 'PagerDuty’s API cannot edit or delete an incident note once added.',

  async plan(ctx, p) {
    const pd = requirePagerDuty(ctx, 'pagerduty.note');
    const incident = await pd.getIncident(p.incidentId);
    // Notes with this text already there: a retry recognises its own note as the one not listed.
    const same = (await pd.listNotes(p.incidentId)).filter((n) => n.content === p.content);
    return {
      summary: `add a note to PagerDuty incident ${describeIncident(incident)}`,
      diff: [`+ note: ${preview(p.content)}`],
      intent: {
        before: { incidentId: p.incidentId, noteId: null, existing: same.map((n) => n.id) },
        after: { incidentId: p.incidentId, content: p.content },
      },
    };
  },

  async apply(ctx, p, intent) {
    const reconciled = await observe(ctx, p, intent);
    return applyIntent(reconciled, intent, async () => {
      const added = await requirePagerDuty(ctx, 'pagerduty.note').addNote(p.incidentId, p.content);
      return { incidentId: p.incidentId, noteId: added.id, createdAt: added.created_at };
    });
  },

  reconcile: observe,

  async verify(_ctx, p, applied) {
    // The API answers with the stored note: its id is the proof; PagerDuty has no read-back by id.
    const noteId = (applied.after as { noteId?: unknown }).noteId;
    return typeof noteId === 'string' && noteId !== ''
      ? { ok: true, detail: `note ${noteId} added to incident ${p.incidentId}` }
      : { ok: false, detail: `PagerDuty did not return a note id for incident ${p.incidentId}` };
  },
});
