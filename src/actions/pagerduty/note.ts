import { defineAction } from '../define-action.ts';
import { describeIncident, requirePagerDuty } from './require-pagerduty.ts';
import { NoteParams } from './schema.ts';

function preview(content: string): string {
  const line = content.replace(/\s+/g, ' ');
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

/** `pagerduty.note`: adds a note to an incident's timeline (what was done, links). */
export const note = defineAction<NoteParams>({
  name: 'pagerduty.note',
  summary: 'Add a note to a PagerDuty incident timeline',
  params: NoteParams,
  reversible: false,
  irreversible: 'PagerDuty’s API cannot edit or delete an incident note once added.',

  async plan(ctx, p) {
    const incident = await requirePagerDuty(ctx, 'pagerduty.note').getIncident(p.incidentId);
    return {
      summary: `add a note to PagerDuty incident ${describeIncident(incident)}`,
      diff: [`+ note: ${preview(p.content)}`],
    };
  },

  async apply(ctx, p) {
    const added = await requirePagerDuty(ctx, 'pagerduty.note').addNote(p.incidentId, p.content);
    return {
      before: { incidentId: p.incidentId, noteId: null },
      after: { incidentId: p.incidentId, noteId: added.id, createdAt: added.created_at },
    };
  },

  async verify(_ctx, p, applied) {
    // The API answers with the stored note: its id is the proof; PagerDuty has no read-back by id.
    const noteId = (applied.after as { noteId?: unknown }).noteId;
    return typeof noteId === 'string' && noteId !== ''
      ? { ok: true, detail: `note ${noteId} added to incident ${p.incidentId}` }
      : { ok: false, detail: `PagerDuty did not return a note id for incident ${p.incidentId}` };
  },
});
