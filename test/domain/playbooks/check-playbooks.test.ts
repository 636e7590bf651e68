import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatConfigErrors, loadConfig } from '../../../src/config/load-config.ts';
import {
  type ActionCatalog,
  checkPlaybooks,
  type PlaybookSource,
} from '../../../src/domain/playbooks/check-playbooks.ts';
import { CATALOG, FIXTURES } from '../triage/world.ts';

/** Two actions with real-looking params, checked by zod as the registry does. */
const SCHEMAS: Record<string, z.ZodType> = {
  'k8s.restart': z.strictObject({
    service: z.string().regex(/^[a-z][a-z0-9-]*$/),
    env: z.string(),
  }),
  'k8s.scale': z.strictObject({
    service: z.string(),
    env: z.string(),
    replicas: z.union([
      z.number().int(),
      z.string().regex(/^[+-]\d+$/, 'must be a change like +2'),
    ]),
  }),
};
const ACTIONS: ActionCatalog = {
  names: () => Object.keys(SCHEMAS),
  validateParams(name, params) {
    const result = SCHEMAS[name]?.safeParse(params);
    if (!result || result.success) return { ok: true };
    return {
      ok: false,
      errors: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  },
};

const VALID = {
  id: 'pod-crashloop',
  kind: 'triage',
  title: 'Restart crash-looping pods',
  description: 'Pods crash on start.',
  match: { alerts: ['KubePodCrashLooping'] },
  steps: [{ action: 'k8s.restart', params: { service: '{{ service }}', env: '{{ env }}' } }],
};

function check(...sources: [string, unknown][]) {
  const list: PlaybookSource[] = sources.map(([file, data]) => ({ file, data }));
  const result = checkPlaybooks(list, { actions: ACTIONS, catalog: CATALOG });
  return { ...result, lines: result.errors.map((e) => `${e.file}: ${e.path}: ${e.message}`) };
}

describe('domain/playbooks/check-playbooks', () => {
  it('lists every error of a broken playbook directory with file, path and line', async () => {
    const result = await loadConfig(path.join(FIXTURES, 'triage/broken'));
    if (result.ok) throw new Error('expected errors');
    expect(formatConfigErrors(result.errors).split('\n')).toEqual([
      'playbooks/tests/broken.yml: cases.0.input.deploys.0.service: unknown service "chekout"; known: checkout. Did you mean "checkout"? (line 6)',
      'playbooks/tests/broken.yml: cases.0.input.deploys.1.env: checkout has no environment "qa"; known: staging, prod (line 13)',
      'playbooks/tests/broken.yml: cases.0.input.deploys.1.at: 2026-11-22T03:40:00Z is after now (2026-11-22T03:30:00Z) (line 17)',
      'playbooks/tests/broken.yml: cases.0.expect.top: unknown triage playbook "bad-stepz". Did you mean "bad-steps"? (line 18)',
      'playbooks/tests/broken.yml: cases.1.input.alertmanager.0.version: must be one of "4", not "3" (line 24)',
      'playbooks/tests/broken.yml: cases.1.expect: must be { top: <playbook id> } or { none: true } (line 30)',
      'playbooks/triage/bad-patterns.yml: match.alerts.1: is not a glob (letters, digits, _, :, * and ? only); write a regex between slashes like /KubePod.*/ or the glob KubePod* (line 8)',
      'playbooks/triage/bad-patterns.yml: match.alerts.2: is not a valid regular expression: unterminated character class (line 9)',
      'playbooks/triage/bad-patterns.yml: match.labels.0.value: is not a valid regular expression: unterminated group (line 13)',
      'playbooks/triage/bad-patterns.yml: match.pagerduty.title: is not a valid regular expression: unterminated character class (line 15)',
      'playbooks/triage/bad-patterns.yml: steps.0.params.service: unknown template variable "servce"; known: service, env, incident.id, incident.startedAt, alert.name, alert.severity, alert.fingerprint, deploy.from, deploy.to, deploy.by, deploy.at, pagerduty.id, pagerduty.number, pagerduty.url, pagerduty.title, labels.<name>, annotations.<name>. Did you mean "service"? (line 19)',
      'playbooks/triage/bad-patterns.yml: steps.0.params.env: has an unclosed placeholder; write {{ variable }} (line 20)',
      'playbooks/triage/bad-steps.yml: require.0: requires "recentDeploy" but match has no recentDeploy rule (line 8)',
      'playbooks/triage/bad-steps.yml: weights.labels: has no effect: match has no labels rule (line 10)',
      'playbooks/triage/bad-steps.yml: steps.0.action: unknown action "k8s.scael"; known: alertmanager.silence, argo.abort, argo.pause, argo.promote, argo.resume, k8s.delete-pods, k8s.restart, k8s.rollout-undo, k8s.scale, k8s.set-configmap-key, k8s.set-image, pagerduty.ack, pagerduty.note. Did you mean "k8s.scale"? (line 12)',
      'playbooks/triage/bad-steps.yml: steps.1.params.replicas: must be a whole number of replicas like 6, or a change like +2 or -1 (k8s.scale, with sample values for placeholders) (line 15)',
      'playbooks/triage/bad-steps.yml: steps.1.params: unknown parameter "pods"; known: service, env, replicas (k8s.scale, with sample values for placeholders) (line 15)',
      'playbooks/triage/bad-steps.yml: approval.prd: unknown environment "prd"; known: staging, prod. Did you mean "prod"? (line 17)',
      'playbooks/triage/bad-steps.yml: approval.prod.roles.0: unknown role "sre-leads"; known: sre-lead. Did you mean "sre-lead"? (line 18)',
      'playbooks/triage/duplicate.yml: evidence: must list what to look at when notifyOnly is true (line 1)',
      'playbooks/triage/duplicate.yml: id: "bad-steps" is already defined in playbooks/triage/bad-steps.yml (line 1)',
      'playbooks/triage/duplicate.yml: steps: must be empty when notifyOnly is true (notify-only playbooks run nothing) (line 9)',
      'playbooks/triage/wrong-kind.yml: kind: must be one of "triage", "gate", "drill", not "triag". Did you mean "triage"? (line 2)',
    ]);
  });

  it('loads triage, gate and drill playbooks with their defaults', () => {
    const { playbooks, lines } = check(
      ['playbooks/triage/a.yml', VALID],
      [
        'playbooks/gates/release.yml',
        {
          id: 'release',
          kind: 'gate',
          title: 'Release',
          description: 'Checks.',
          gates: [
            { name: 'Rollout', checks: [{ id: 'ok', kind: 'rollout-healthy', title: 'Ok' }] },
          ],
        },
      ],
      [
        'playbooks/drills/kill.yml',
        {
          id: 'pod-kill',
          kind: 'drill',
          title: 'Kill',
          description: 'Chaos.',
          environments: ['staging'],
          fault: { kind: 'dependency-outage' },
          recovery: { condition: { kind: 'replicas-available', of: 'dependency' }, rto: '1m' },
          hold: true,
          maxDuration: '5m',
          restore: { kind: 'revert', description: 'Scale the dependency back.' },
        },
      ],
    );
    expect(lines).toEqual([]);
    expect(playbooks.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'triage:pod-crashloop',
      'gate:release',
      'drill:pod-kill',
    ]);
    expect(playbooks[0]).toMatchObject({
      require: [],
      weights: {},
      notifyOnly: false,
      evidence: [],
    });
    // Gate sets default to no sign-offs, distinct people, and checks without a timeout.
    expect(playbooks[1]).toMatchObject({ signoffs: { roles: [], distinctPeople: true } });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'params that do not fit once placeholders are filled',
      {
        steps: [
          {
            action: 'k8s.scale',
            params: { service: '{{ service }}', env: '{{ env }}', replicas: 'lots' },
          },
        ],
      },
      [
        'a.yml: steps.0.params.replicas: must be a change like +2 (k8s.scale, with sample values for placeholders)',
      ],
    ],
    [
      'a label used where the action wants a slug',
      {
        steps: [
          { action: 'k8s.restart', params: { service: '{{ labels.pod }}x_Y', env: '{{ env }}' } },
        ],
      },
      [
        'a.yml: steps.0.params.service: Invalid string: must match pattern /^[a-z][a-z0-9-]*$/ (k8s.restart, with sample values for placeholders)',
      ],
    ],
    [
      'a match with neither alerts nor pagerduty',
      { match: { severity: ['critical'] } },
      [
        'a.yml: match: must have an alerts, metrics, text or pagerduty rule: labels, severity and recentDeploy only refine',
      ],
    ],
    [
      'a playbook with nothing to do',
      { steps: [] },
      ['a.yml: steps: must list at least one step, or set notifyOnly: true with evidence'],
    ],
    ['a bad id', { id: 'Pod_Crashloop' }, ['a.yml: id: must be kebab-case like pod-crashloop']],
    ['an unknown key', { mach: {} }, ['a.yml: mach: unknown key; did you mean "match"?']],
    [
      'a template in the confirmation query',
      { confirm: { query: 'up{service="{{ svc }}"}', comparison: '<', threshold: 1 } },
      [expect.stringMatching(/^a\.yml: confirm\.query: unknown template variable "svc"/)],
    ],
  ])('reports %s', (_, change, expected) => {
    expect(check(['a.yml', { ...VALID, ...change }]).lines).toEqual(expected);
  });

  it('reports a missing kind', () => {
    expect(check(['a.yml', { id: 'x' }]).lines).toEqual([
      'a.yml: kind: is required: one of "triage", "gate", "drill"',
    ]);
  });

  it('keeps test files apart and checks they name known playbooks', () => {
    const input = { now: '2026-11-22T03:30:00Z' };
    const { tests, lines } = check(
      ['playbooks/triage/a.yml', VALID],
      [
        'playbooks/tests/a.yml',
        { cases: [{ name: 'ok', input, expect: { top: 'pod-crashloop' } }] },
      ],
      [
        'playbooks/tests/b.yml',
        { cases: [{ name: 'typo', service: 'chekout', input, expect: { top: 'pod-crashlop' } }] },
      ],
    );
    expect(tests.map((f) => f.file)).toEqual(['playbooks/tests/a.yml']);
    expect(lines).toEqual([
      'playbooks/tests/b.yml: cases.0.expect.top: unknown triage playbook "pod-crashlop". Did you mean "pod-crashloop"?',
      'playbooks/tests/b.yml: cases.0.service: unknown service "chekout"; known: checkout, payments, payments-worker, gateway',
    ]);
  });
});
