import { beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import {
  decodeTriageButton,
  encodeTriageButton,
  TRIAGE_ACTIONS,
} from '../../src/findings/triage-actions.ts';
import { signalLine, triageFinding } from '../../src/findings/triage-finding.ts';
import { duration } from '../../src/findings/triage-notes.ts';
import { formatParams, otherSuggestions } from '../../src/findings/triage-plan.ts';
import type { TriageSubject } from '../../src/findings/triage-subject.ts';
import { applyToPartition, rankIncident } from '../../src/triage/apply-signals.ts';
import { alert, deployed, page, resolved, t } from '../domain/triage/world.ts';
import { loadRepoConfig } from '../support/slack.ts';

describe('src/findings/triage-finding', () => {
  let playbooks: Playbook[];
  beforeAll(async () => {
    playbooks = (await loadRepoConfig()).playbooks;
  });

  /** An incident from signals, ranked at `now`, as a stored subject. */
  function subject(
    signals: Parameters<typeof applyToPartition>[0]['signals'],
    over: Partial<TriageSubject> = {},
    deploys = [] as typeof signals,
  ): TriageSubject {
    const [change] = applyToPartition({ incidents: [], deploys, signals }).changed;
    const incident = { ...change!.incident, id: 'inc-7' };
    const state = incident.status === 'open' ? 'open' : 'resolved';
    return {
      id: 'inc-7',
      state,
      incident,
      triage: rankIncident(incident, playbooks, new Date(t('03:10'))),
      version: 3,
      runs: [],
      ...over,
    };
  }
  const ids = (s: TriageSubject) => triageFinding(s).buttons.map((b) => b.actionId);

  it('leads with the service, the first active alert and the count of others', () => {
    const finding = triageFinding(
      subject([alert('a', 'KubePodCrashLooping', '03:00'), alert('b', 'KubePodNotReady', '03:01')]),
    );
    expect(finding.title).toBe('checkout/prod: KubePodCrashLooping and 1 more');
    expect(finding.status).toBe('open · 2 active, 0 resolved');
    expect(finding.summary).toMatch(
      /^inc-7 checkout\/prod: KubePodCrashLooping — suggested: pod-crashloop \(score \d+\)$/,
    );
  });

  it('shows the top suggestions with reasons and the top plan with its params filled in', () => {
    const finding = triageFinding(subject([alert('a', 'KubePodCrashLooping', '03:00')]));
    expect(finding.suggestions[0]).toMatchObject({ rank: 1, playbook: 'pod-crashloop' });
    expect(finding.suggestions[0]?.reasons.join(' ')).toMatch(/KubePodCrashLooping/);
    expect(finding.plan?.steps[0]).toMatchObject({
      number: 1,
      action: 'k8s.rollout-undo',
      params: 'service=checkout env=prod',
    });
  });

  it.each([
    [
      'open with a runnable plan',
      {},
      [TRIAGE_ACTIONS.run, TRIAGE_ACTIONS.dryRun, TRIAGE_ACTIONS.dismiss],
    ],
    [
      'dismissed',
      { dismissed: { by: 'U0ONCALL01', at: new Date(t('03:05')) } },
      [TRIAGE_ACTIONS.dryRun],
    ],
    ['resolved', { state: 'resolved' as const }, []],
  ])('buttons when %s', (_name, over, expected) => {
    // QueueBacklog matches one playbook only: no Other suggestions button.
    expect(ids(subject([alert('a', 'QueueBacklog', '03:00')], over))).toEqual(expected);
  });

  it('offers Other suggestions when more than one playbook matched', () => {
    const s = subject([alert('a', 'KubePodCrashLooping', '03:00')], {}, [deployed('02:58')]);
    expect(ids(s)).toContain(TRIAGE_ACTIONS.others);
    const others = otherSuggestions(s);
    expect(others[0]).toMatchObject({ rank: 2, playbook: 'pod-crashloop' });
    expect(others.map((o) => o.playbook)).not.toContain('deploy-regression');
  });

  it('says resolved, with no suggestion and no button, once every signal resolved', () => {
    const firing = alert('a', 'KubePodCrashLooping', '03:00');
    const finding = triageFinding(subject([firing, resolved(firing, '03:06')]));
    expect(finding).toMatchObject({
      state: 'resolved',
      status: 'resolved',
      suggestions: [],
      buttons: [],
    });
    expect(finding.plan).toBeUndefined();
    expect(finding.notes).toContainEqual(['Every signal is resolved: nothing to run.']);
    expect(finding.fields.map((f) => f.label)).toContain('Resolved');
  });

  it('notes runs, the acknowledgement and who dismissed, with people as mentions', () => {
    const finding = triageFinding(
      subject([page('PD1', 'Checkout crash loop', '03:00')], {
        runs: [{ id: 'r_abc', playbook: 'pod-crashloop', by: 'U0ONCALL01', at: t('03:04') }],
        acknowledgedAt: new Date(t('03:04:30')),
        ackViaBot: true,
        acknowledgedBy: 'U0ONCALL01',
      }),
    );
    expect(finding.notes[0]?.[0]).toBe('Run `r_abc` (pod-crashloop) requested by ');
    expect(finding.notes[0]?.[1]).toEqual({ user: 'U0ONCALL01' });
    expect(finding.notes[1]).toEqual([
      'Acknowledged by ',
      { user: 'U0ONCALL01' },
      ' through mc, 4m 30s after the first signal',
    ]);
    expect(finding.fields.find((f) => f.label === 'PagerDuty')?.value).toEqual([
      { link: 'https://acme.pagerduty.com/incidents/PD1', text: '#4812' },
    ]);
  });

  it('caps the signal lines and says how many more there are', () => {
    const many = Array.from({ length: 14 }, (_, i) => alert(`f${i}`, `Alert${i}`, '03:00'));
    const finding = triageFinding(subject(many), { maxSignals: 10 });
    expect(finding.signals).toHaveLength(10);
    expect(finding.moreSignals).toBe(4);
  });

  it.each([
    [
      alert('a', 'X', '03:00', { link: 'http://prom/graph' }),
      [
        ':red_circle: *X*',
        ' · critical',
        ' · since ',
        { time: new Date(t('03:00')) },
        ' · ',
        { link: 'http://prom/graph', text: 'source' },
      ],
    ],
    [
      deployed('02:58'),
      [':package: deploy `1.4.1` → `1.4.2` by ', '@alice', ' at ', { time: new Date(t('02:58')) }],
    ],
  ])('signal line %#', (signal, line) => {
    expect(signalLine(signal)).toEqual(line);
  });

  it.each([
    [{ incidentId: 'inc-12', playbook: 'pod-crashloop' }, 'inc-12:pod-crashloop'],
    [{ incidentId: 'inc-3' }, 'inc-3'],
  ])('button value %s round-trips', (value, raw) => {
    expect(encodeTriageButton(value)).toBe(raw);
    expect(decodeTriageButton(raw)).toEqual(value);
  });

  it.each(['', 'inc-x', 'r_abc:deadbeef', 'inc-1:Bad_Id', 'inc-1:a:b'])(
    'refuses button value %j',
    (raw) => {
      expect(decodeTriageButton(raw)).toBeUndefined();
    },
  );

  it.each([
    [{ service: 'checkout', env: 'prod', replicas: '+2' }, 'service=checkout env=prod replicas=+2'],
    [{ flag: 'x', value: true, to: { a: 1 } }, 'flag=x value=true to={"a":1}'],
    // Markup characters would turn a regex bold or italic: such values are code.
    [{ alertname: '.*Error.*', env: 'prod' }, 'alertname=`.*Error.*` env=prod'],
    [
      { matchers: [{ name: 'slo', value: '(?i).*(latency|duration).*', isRegex: true }] },
      'matchers=`[{"name":"slo","value":"(?i).*(latency|duration).*","isRegex":true}]`',
    ],
    [{ team_name: 'a`b*c' }, 'team_name=a`b*c'],
  ])('formats params %#', (params, text) => {
    expect(formatParams(params)).toBe(text);
  });

  it.each([
    [5_000, '5s'],
    [252_000, '4m 12s'],
    [7_500_000, '2h 5m'],
  ])('duration(%d) is %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
