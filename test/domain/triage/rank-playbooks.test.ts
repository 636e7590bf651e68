import { describe, expect, it } from 'vitest';
import { TriagePlaybook } from '../../../src/domain/playbooks/schema.ts';
import { rankPlaybooks } from '../../../src/domain/triage/rank-playbooks.ts';
import type { Incident, Signal } from '../../../src/domain/triage/schema.ts';
import { alert, deployed, page, resolved, t } from './world.ts';

function playbook(id: string, match: unknown, extra: Record<string, unknown> = {}): TriagePlaybook {
  return TriagePlaybook.parse({
    id,
    kind: 'triage',
    title: `Playbook ${id}`,
    description: 'For tests.',
    match,
    steps: [{ action: 'k8s.restart', params: { service: '{{ service }}', env: '{{ env }}' } }],
    ...extra,
  });
}

const regression = playbook(
  'deploy-regression',
  {
    alerts: ['KubePodCrashLooping', '*OOMKill*'],
    severity: ['critical'],
    recentDeploy: { withinMinutes: 30 },
  },
  { require: ['recentDeploy'], weights: { recentDeploy: 80 } },
);
const crashloop = playbook('pod-crashloop', {
  alerts: ['KubePod*'],
  severity: ['critical', 'warning'],
});
const oom = playbook('oom-killed', {
  alerts: ['/OOMKill/'],
  labels: [{ name: 'reason', value: 'OOMKilled' }],
});
const latency = playbook('latency-slo-burn', {
  alerts: ['ErrorBudgetBurn'],
  labels: [{ name: ['slo', 'sloth_slo'], op: '=~', value: '(?i).*latency.*' }],
});
const errors = playbook('http-5xx-surge', {
  alerts: ['ErrorBudgetBurn'],
  labels: [{ name: ['slo', 'sloth_slo'], op: '!~', value: '(?i).*latency.*' }],
});
const manual = playbook('dependency-down', {
  pagerduty: { title: '(?i)card payments? time ?out', services: ['PCHK7Q2'], urgency: ['high'] },
});
const ALL = [regression, crashloop, oom, latency, errors, manual];

function incident(
  signals: Signal[],
  deploys: Signal[] = [],
  over: Partial<Incident> = {},
): Incident {
  const first = signals.map((s) => s.startedAt).sort()[0] ?? t('03:14');
  return {
    id: 'inc-1',
    service: 'checkout',
    env: 'prod',
    status: signals.some((s) => s.status === 'firing' || s.status === 'acknowledged')
      ? 'open'
      : 'closed',
    openedAt: first,
    updatedAt: first,
    firstSignalAt: first,
    signals,
    deploys,
    ...over,
  };
}

const crash = alert('fp-crash', 'KubePodCrashLooping', '03:14');
const NOW = t('03:30');

function top(i: Incident, now = NOW) {
  return rankPlaybooks(i, ALL, { now }).suggestions.map((s) => `${s.playbook} ${s.score}`);
}

describe('domain/triage/rank-playbooks', () => {
  it('explains a deploy regression: the alert, the severity, the deploy and how long before', () => {
    const ranking = rankPlaybooks(incident([crash], [deployed('03:10')]), ALL, { now: NOW });
    expect(ranking.suggestions[0]).toEqual({
      playbook: 'deploy-regression',
      title: 'Playbook deploy-regression',
      score: 140,
      reasons: [
        'alert `KubePodCrashLooping` matched',
        'severity `critical`',
        'deploy `1.4.2` by @alice 4 min before first signal',
      ],
      eligible: true,
    });
    expect(ranking.suggestions[1]).toMatchObject({
      playbook: 'pod-crashloop',
      reasons: ['alert `KubePodCrashLooping` matched `KubePod*`', 'severity `critical`'],
    });
  });

  it.each<[string, Signal[], string[]]>([
    ['a deploy 4 min before', [deployed('03:10')], ['deploy-regression 140', 'pod-crashloop 60']],
    ['no deploy', [], ['pod-crashloop 60']],
    ['a deploy 31 min before', [deployed('02:43')], ['pod-crashloop 60']],
    ['a deploy after the first signal', [deployed('03:20')], ['pod-crashloop 60']],
  ])('the same crash loop with %s', (_, deploys, expected) => {
    expect(top(incident([crash], deploys))).toEqual(expected);
  });

  it('ignores deploys recorded after now: a replay must not see the future', () => {
    expect(top(incident([crash], [deployed('03:10')]), t('03:09'))).toEqual(['pod-crashloop 60']);
  });

  it('keeps an ineligible candidate visible with the reason it was not suggested', () => {
    const ranking = rankPlaybooks(incident([crash]), ALL, { now: NOW });
    expect(ranking.candidates.find((c) => c.playbook === 'deploy-regression')).toEqual({
      playbook: 'deploy-regression',
      title: 'Playbook deploy-regression',
      score: 60,
      reasons: [
        'alert `KubePodCrashLooping` matched',
        'severity `critical`',
        'needs a deploy of checkout/prod within 30 min before the first signal: none',
      ],
      eligible: false,
    });
  });

  it.each<[string, Signal[], string[]]>([
    [
      'an OOM kill outranks the crash loop it causes',
      [
        crash,
        alert('fp-oom', 'KubeContainerOOMKilled', '03:13', {
          labels: { alertname: 'KubeContainerOOMKilled', reason: 'OOMKilled' },
        }),
      ],
      ['oom-killed 70', 'pod-crashloop 60'],
    ],
    [
      'a resolved OOM alert no longer counts',
      [crash, resolved(alert('fp-oom', 'KubeContainerOOMKilled', '03:13'), '03:20')],
      ['pod-crashloop 60'],
    ],
    [
      'an acknowledged page still counts',
      [
        {
          ...page('Q1', "Customers can't pay: card payments time out", '03:14'),
          status: 'acknowledged',
        },
      ],
      ['dependency-down 50'],
    ],
    [
      'a page on another PagerDuty service does not match a services rule',
      [
        page('Q1', 'card payments time out', '03:14', {
          pagerduty: { id: 'Q1', number: 1, serviceId: 'PPAY3X9', url: 'u' },
        }),
      ],
      [],
    ],
    [
      'a low-urgency page does not match an urgency rule',
      [page('Q1', 'card payments time out', '03:14', { urgency: 'low' })],
      [],
    ],
    [
      'Pyrra latency burn: the slo label decides',
      [
        alert('fp-b', 'ErrorBudgetBurn', '03:14', {
          labels: { alertname: 'ErrorBudgetBurn', slo: 'checkout-latency' },
        }),
      ],
      ['latency-slo-burn 70', 'http-5xx-surge 50'],
    ],
    [
      'Sloth availability burn: sloth_slo decides the other way',
      [
        alert('fp-b', 'ErrorBudgetBurn', '03:14', {
          labels: { alertname: 'ErrorBudgetBurn', sloth_slo: 'requests-availability' },
        }),
      ],
      ['http-5xx-surge 70', 'latency-slo-burn 50'],
    ],
  ])('%s', (_, signals, expected) => {
    expect(top(incident(signals))).toEqual(expected);
  });

  it('suggests at most three, best first, and only above the threshold', () => {
    const many = ['a', 'b', 'c', 'd'].map((id) =>
      playbook(`p-${id}`, { alerts: ['KubePodCrashLooping'] }),
    );
    const weak = playbook('weak', { alerts: ['KubePodCrashLooping'] }, { weights: { alerts: 30 } });
    const ranking = rankPlaybooks(incident([crash]), [weak, ...many], { now: NOW });
    expect(ranking.suggestions.map((s) => s.playbook)).toEqual(['p-a', 'p-b', 'p-c']);
    expect(ranking.candidates.map((c) => `${c.playbook} ${c.score}`)).toEqual([
      'p-a 50',
      'p-b 50',
      'p-c 50',
      'p-d 50',
      'weak 30',
    ]);
    expect(
      rankPlaybooks(incident([crash]), [weak], { now: NOW, threshold: 30 }).suggestions,
    ).toHaveLength(1);
  });

  it.each<[string, Incident, string]>([
    [
      'an incident whose signals all resolved',
      incident([resolved(crash, '03:20')], [deployed('03:10')]),
      'every signal is resolved: nothing to do',
    ],
    [
      'an incident made only of noise',
      incident([alert('fp-w', 'Watchdog', '03:14', { severity: 'none' })], [], { status: 'open' }),
      'only noise: nothing to do',
    ],
  ])('suggests nothing for %s, and says why', (_, i, note) => {
    const ranking = rankPlaybooks(i, ALL, { now: NOW });
    expect(ranking.suggestions).toEqual([]);
    expect(ranking.note).toBe(note);
  });

  it('quotes a label regex in a code span, so Slack shows its asterisks', () => {
    const burn = alert('fp-b', 'ErrorBudgetBurn', '03:14', {
      labels: { alertname: 'ErrorBudgetBurn', slo: 'checkout-latency' },
    });
    const ranking = rankPlaybooks(incident([burn]), ALL, { now: NOW });
    const latency = ranking.suggestions.find((s) => s.playbook === 'latency-slo-burn');
    expect(latency?.reasons).toContain(
      'labels `slo|sloth_slo=~"(?i).*latency.*"` on `ErrorBudgetBurn`',
    );
  });

  it('uses the deploys passed in rather than the incident’s own', () => {
    const i = incident([crash]);
    const ranking = rankPlaybooks(i, ALL, { now: NOW, deploys: [deployed('03:12')] });
    expect(ranking.suggestions[0]?.reasons).toContain(
      'deploy `1.4.2` by @alice 2 min before first signal',
    );
  });
});
