import { describe, expect, it } from 'vitest';
import { runPlaybookTests } from '../../../src/domain/playbooks/run-playbook-tests.ts';
import { PlaybookTestFile, TriagePlaybook } from '../../../src/domain/playbooks/schema.ts';
import { CATALOG } from '../triage/world.ts';

const restart = [{ action: 'k8s.restart', params: { service: '{{ service }}', env: '{{ env }}' } }];
const PLAYBOOKS = [
  TriagePlaybook.parse({
    id: 'pod-crashloop',
    kind: 'triage',
    title: 'Crash loop',
    description: 'Pods crash.',
    match: { alerts: ['KubePodCrashLooping'] },
    steps: restart,
  }),
  TriagePlaybook.parse({
    id: 'deploy-regression',
    kind: 'triage',
    title: 'Roll back',
    description: 'After a deploy.',
    match: { alerts: ['KubePodCrashLooping'], recentDeploy: { withinMinutes: 30 } },
    require: ['recentDeploy'],
    steps: restart,
  }),
];

function webhook(service: string, fingerprint: string) {
  return {
    version: '4',
    groupKey: `{}:{service="${service}"}`,
    status: 'firing',
    receiver: 'mc',
    externalURL: 'http://am',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'KubePodCrashLooping', service, severity: 'critical' },
        startsAt: '2026-11-22T03:14:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint,
      },
    ],
  };
}

const deploy = {
  service: 'checkout',
  env: 'prod',
  from: '1.4.1',
  to: '1.4.2',
  by: 'alice',
  at: '2026-11-22T03:10:00Z',
};
const input = {
  now: '2026-11-22T03:30:00Z',
  alertmanager: [webhook('checkout', 'a1'), webhook('gateway', 'b2')],
  deploys: [deploy],
};

function run(cases: unknown[]) {
  const file = PlaybookTestFile.parse({ cases });
  return runPlaybookTests([{ file: 'playbooks/tests/x.yml', ...file }], {
    catalog: CATALOG,
    playbooks: PLAYBOOKS,
  });
}

describe('domain/playbooks/run-playbook-tests', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['the best suggestion over every incident', { expect: { top: 'deploy-regression' } }, true],
    ['one service only', { service: 'gateway', expect: { top: 'pod-crashloop' } }, true],
    ['a service and env', { service: 'checkout', env: 'staging', expect: { none: true } }, true],
    ['a wrong top', { service: 'gateway', expect: { top: 'deploy-regression' } }, false],
    ['none while something is suggested', { expect: { none: true } }, false],
    [
      'a top for a service with no incident',
      { service: 'payments', expect: { top: 'pod-crashloop' } },
      false,
    ],
  ])('judges %s', (_, extra, passed) => {
    expect(run([{ name: 'case', input, ...extra }])[0]?.passed).toBe(passed);
  });

  it('shows the actual ranking of a failed case, candidates that were not eligible included', () => {
    const [result] = run([
      { name: 'wrong', input: { ...input, deploys: [] }, expect: { top: 'deploy-regression' } },
    ]);
    expect(result).toEqual({
      file: 'playbooks/tests/x.yml',
      name: 'wrong',
      passed: false,
      expected: 'top: deploy-regression',
      actual: [
        'inc-1 checkout/prod: pod-crashloop 50; other candidates: deploy-regression 50 (not eligible)',
        'inc-2 gateway/prod: pod-crashloop 50; other candidates: deploy-regression 50 (not eligible)',
      ],
    });
  });
});
