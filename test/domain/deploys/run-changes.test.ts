import { describe, expect, it } from 'vitest';
import { runChangeKind, runChanges } from '../../../src/domain/deploys/run-changes.ts';
import type { Run, RunStep } from '../../../src/domain/runs/index.ts';

const AT = new Date('2026-11-22T03:00:00Z');
const workload = { kind: 'Deployment', name: 'checkout', namespace: 'checkout', context: 'c' };

function step(
  action: string,
  before: unknown,
  after: unknown,
  over: Partial<RunStep> = {},
): RunStep {
  return {
    index: 0,
    action,
    params: { service: 'checkout', env: 'prod' },
    reversible: true,
    plan: action,
    state: 'succeeded',
    before,
    after,
    ...over,
  };
}

function run(verb: string, steps: RunStep[], over: Partial<Run> = {}): Run {
  return {
    id: 'r_aaaaaaaaaaaa',
    verb,
    target: { service: 'checkout', env: 'prod' },
    requester: 'U01ALICE01',
    state: 'succeeded',
    planHash: 'a'.repeat(64),
    steps: steps.map((s, index) => ({ ...s, index })),
    createdAt: AT,
    updatedAt: AT,
    expiresAt: AT,
    ...over,
  } as Run;
}

const scale = step('k8s.scale', { workload, replicas: 3 }, { workload, replicas: 5 });
const flag = step(
  'k8s.set-configmap-key',
  { configMap: 'gateway-flags', key: 'fallback', value: 'off' },
  { configMap: 'gateway-flags', key: 'fallback', value: 'on' },
);
const setImage = step(
  'k8s.set-image',
  { workload, container: 'app', image: 'shop/checkout:1.4.2' },
  { workload, container: 'app', image: 'shop/checkout:1.4.3' },
);
const note = step('pagerduty.note', { id: 'n1' }, { id: 'n1' });

describe('domain/deploys/run-changes', () => {
  it.each([
    { verb: 'deploy', revertOf: undefined, kind: 'deploy' },
    { verb: 'rollback', revertOf: undefined, kind: 'rollback' },
    { verb: 'rollback', revertOf: 'r_x', kind: 'revert' },
    { verb: 'triage', revertOf: undefined, kind: 'triage' },
    { verb: 'drill', revertOf: undefined, kind: 'drill-fault' },
    { verb: 'drill', revertOf: 'r_x', kind: 'drill-restore' },
    { verb: 'gate', revertOf: undefined, kind: 'run' },
  ])('a $verb run (revertOf $revertOf) is recorded as $kind', ({ verb, revertOf, kind }) => {
    expect(runChangeKind({ verb, ...(revertOf ? { revertOf } : {}) })).toBe(kind);
  });

  it.each([
    {
      name: 'a triage run that scaled and noted PagerDuty: one replicas change',
      run: run('triage', [scale, note]),
      changes: [
        { kind: 'triage', what: 'replicas', fromValue: '3', toValue: '5', outcome: 'succeeded' },
      ],
    },
    {
      name: 'a triage run that flipped a gateway flag: the flag, on the step’s own service',
      run: run('triage', [{ ...flag, params: { service: 'gateway', env: 'prod' } }]),
      changes: [
        {
          service: 'gateway',
          what: 'config',
          fromValue: 'gateway-flags/fallback=off',
          toValue: 'gateway-flags/fallback=on',
        },
      ],
    },
    {
      name: 'a deploy: the images its step saw',
      run: run('deploy', [setImage]),
      changes: [
        {
          kind: 'deploy',
          what: 'image',
          fromImage: 'shop/checkout:1.4.2',
          toImage: 'shop/checkout:1.4.3',
        },
      ],
    },
    {
      name: 'a drill that deleted pods',
      run: run('drill', [
        step('k8s.delete-pods', { workload, replicas: 3, pods: ['a'] }, { deleted: ['a'] }),
      ]),
      changes: [{ kind: 'drill-fault', what: 'pods', toValue: '1 deleted' }],
    },
    {
      name: 'a run the engine undid in place: rolled back',
      run: run('triage', [scale], { state: 'reverted' }),
      changes: [{ kind: 'triage', what: 'replicas', outcome: 'rolled-back' }],
    },
    {
      name: 'a step that changed nothing (already 5 replicas)',
      run: run('triage', [step('k8s.scale', { workload, replicas: 5 }, { workload, replicas: 5 })]),
      changes: [],
    },
    {
      name: 'a run that never executed',
      run: run('triage', [step('k8s.scale', undefined, undefined, { state: 'pending' })], {
        state: 'rejected',
      }),
      changes: [],
    },
    {
      name: 'a run still executing',
      run: run('triage', [scale], { state: 'executing' }),
      changes: [],
    },
  ])('$name', ({ run: r, changes }) => {
    const found = runChanges(r, () => 'app');
    expect(found).toHaveLength(changes.length);
    expect(found).toMatchObject(changes);
  });
});
