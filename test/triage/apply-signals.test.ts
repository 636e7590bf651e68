import { beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import type { Incident } from '../../src/domain/triage/schema.ts';
import { applyToPartition, bookOf, rankIncident } from '../../src/triage/apply-signals.ts';
import { alert, deployed, page, resolved, t } from '../domain/triage/world.ts';
import { loadRepoConfig } from '../support/slack.ts';

/** Stores what a batch produced as the store would: provisional ids become `inc-<n>`. */
function persist(
  incidents: Incident[],
  changed: { incident: Incident; isNew: boolean }[],
  next: () => number,
) {
  const out = new Map(incidents.map((i) => [i.id, i]));
  for (const c of changed) {
    const id = c.isNew ? `inc-${next()}` : c.incident.id;
    out.set(id, { ...c.incident, id });
  }
  return [...out.values()];
}

describe('src/triage/apply-signals', () => {
  let playbooks: Playbook[];
  let seq = 100;
  const next = () => ++seq;
  beforeAll(async () => {
    playbooks = (await loadRepoConfig()).playbooks;
  });

  it('opens one incident for the first alert of a service and joins the next ones to it', () => {
    const first = applyToPartition({
      incidents: [],
      deploys: [],
      signals: [
        alert('f1', 'KubePodCrashLooping', '03:00'),
        alert('f2', 'KubePodNotReady', '03:01'),
      ],
    });
    expect(first.changed).toHaveLength(1);
    expect(first.changed[0]).toMatchObject({ isNew: true, changes: ['opened', 'updated'] });
    expect(first.changed[0]?.incident.signals.map((s) => s.id)).toEqual(['f1', 'f2']);
  });

  it('changes nothing when the same deliveries come again (at-least-once redelivery)', () => {
    const signals = [alert('f1', 'KubePodCrashLooping', '03:00')];
    const opened = applyToPartition({ incidents: [], deploys: [], signals });
    const stored = persist([], opened.changed, next);
    const again = applyToPartition({ incidents: stored, deploys: [], signals });
    expect(again.changed).toEqual([]);
    expect(again.touched).toEqual([stored[0]?.id]);
    expect(again.ignored[0]?.reason).toMatch(/repeat/);
  });

  it('resolves the incident when its last signal resolves; a redelivered resolution is a no-op', () => {
    const firing = alert('f1', 'KubePodCrashLooping', '03:00');
    const stored = persist(
      [],
      applyToPartition({ incidents: [], deploys: [], signals: [firing] }).changed,
      next,
    );
    const closed = applyToPartition({
      incidents: stored,
      deploys: [],
      signals: [resolved(firing, '03:20')],
    });
    expect(closed.changed[0]).toMatchObject({ isNew: false, changes: ['closed'] });
    expect(closed.changed[0]?.incident).toMatchObject({ status: 'closed', closedAt: t('03:20') });
    const after = persist(stored, closed.changed, next);
    const late = applyToPartition({
      incidents: after,
      deploys: [],
      signals: [firing, resolved(firing, '03:20')],
    });
    expect(late.changed).toEqual([]);
  });

  it('gives new incidents provisional ids above every stored one', () => {
    const stored: Incident[] = persist(
      [],
      applyToPartition({ incidents: [], deploys: [], signals: [alert('a', 'X', '01:00')] }).changed,
      () => 41,
    );
    const closed = persist(
      stored,
      applyToPartition({
        incidents: stored,
        deploys: [],
        signals: [resolved(alert('a', 'X', '01:00'), '01:05')],
      }).changed,
      next,
    );
    // Long after the window: a new incident, not a reopening of inc-41.
    const later = applyToPartition({
      incidents: closed,
      deploys: [],
      signals: [alert('b', 'Y', '05:00')],
    });
    expect(later.changed.map((c) => [c.incident.id, c.isNew])).toEqual([['inc-42', true]]);
    expect(bookOf(closed).seq).toBe(41);
  });

  it('attaches a deploy from the deploy log once, however often the log is read', () => {
    const stored = persist(
      [],
      applyToPartition({
        incidents: [],
        deploys: [],
        signals: [alert('f1', 'KubePodCrashLooping', '03:00')],
      }).changed,
      next,
    );
    const deploy = deployed('02:55');
    const joined = applyToPartition({ incidents: stored, deploys: [deploy], signals: [] });
    expect(joined.changed[0]?.incident.deploys.map((d) => d.id)).toEqual([deploy.id]);
    const after = persist(stored, joined.changed, next);
    const reread = applyToPartition({
      incidents: after,
      deploys: [deploy],
      signals: [alert('f2', 'KubePodNotReady', '03:02')],
    });
    expect(reread.changed[0]?.incident.deploys).toHaveLength(1);
  });

  it('ranks with reasons and renders the top plan with the incident id it is stored under', () => {
    const stored = persist(
      [],
      applyToPartition({
        incidents: [],
        deploys: [deployed('02:58')],
        signals: [alert('f1', 'KubePodCrashLooping', '03:00')],
      }).changed,
      next,
    );
    const incident = stored[0]!;
    const view = rankIncident(incident, playbooks, new Date(t('03:05')));
    expect(view.suggestions[0]?.playbook).toBe('deploy-regression');
    expect(view.suggestions[0]?.reasons.join(' ')).toMatch(/1\.4\.2/);
    expect(view.suggestions[0]?.plan.steps[0]).toMatchObject({
      params: { service: 'checkout', env: 'prod' },
    });
    expect(view.candidates.map((c) => c.playbook)).toContain('pod-crashloop');
  });

  it('suggests nothing once every signal is resolved', () => {
    const firing = page('PD1', 'Checkout crash loop', '03:00');
    const stored = persist(
      [],
      applyToPartition({ incidents: [], deploys: [], signals: [firing] }).changed,
      next,
    );
    const closed = applyToPartition({
      incidents: stored,
      deploys: [],
      signals: [resolved(firing, '03:30')],
    });
    const view = rankIncident(closed.changed[0]!.incident, playbooks, new Date(t('03:31')));
    expect(view.suggestions).toEqual([]);
    expect(view.note).toMatch(/resolved/);
  });
});
