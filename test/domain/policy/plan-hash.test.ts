import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type PlanIdentity, planHash } from '../../../src/domain/policy/index.ts';

const ROLLBACK: PlanIdentity = {
  verb: 'rollback',
  target: { service: 'checkout', env: 'prod' },
  steps: [
    {
      action: 'kubernetes.set-image',
      params: { image: 'ghcr.io/acme/checkout:v1.4.1', container: 'app', replicas: 6 },
    },
  ],
};

describe('domain/policy/plan-hash', () => {
  it('is the sha256 of the RFC 8785 text of verb, target and step actions and params', () => {
    const canonical =
      '{"steps":[{"action":"kubernetes.set-image","params":{"container":"app",' +
      '"image":"ghcr.io/acme/checkout:v1.4.1","replicas":6}}],' +
      '"target":{"env":"prod","service":"checkout"},"verb":"rollback"}';
    const expected = createHash('sha256').update(canonical).digest('hex');
    expect(expected).toBe('1cfa3452bf7ee298c371b22cf25c48f130ae9f2f140c93b96390f7cd2e4fa12d');
    expect(planHash(ROLLBACK)).toBe(expected);
  });

  it('ignores key order and everything but the identity (plan text, states, before/after)', () => {
    const run = {
      id: 'run-1',
      state: 'executing',
      target: { env: 'prod', service: 'checkout' },
      verb: 'rollback',
      steps: [
        {
          index: 0,
          plan: 'image v1.4.2 → v1.4.1, 8 pods',
          state: 'succeeded',
          before: { image: 'v1.4.2' },
          params: { replicas: 6, container: 'app', image: 'ghcr.io/acme/checkout:v1.4.1' },
          action: 'kubernetes.set-image',
        },
      ],
    };
    expect(planHash(run)).toBe(planHash(ROLLBACK));
  });

  const NOTE = { action: 'pagerduty.note', params: {} };
  const WITH_NOTE: PlanIdentity = { ...ROLLBACK, steps: [...ROLLBACK.steps, NOTE] };
  const SET_IMAGE = {
    action: 'kubernetes.set-image',
    params: { image: 'x', container: 'app', replicas: 6 },
  };

  it.each<[string, PlanIdentity, PlanIdentity]>([
    ['another verb', ROLLBACK, { ...ROLLBACK, verb: 'deploy' }],
    [
      'another environment',
      ROLLBACK,
      { ...ROLLBACK, target: { service: 'checkout', env: 'staging' } },
    ],
    ['another service', ROLLBACK, { ...ROLLBACK, target: { service: 'payments', env: 'prod' } }],
    ['another param value', ROLLBACK, { ...ROLLBACK, steps: [SET_IMAGE] }],
    [
      'another action',
      ROLLBACK,
      { ...ROLLBACK, steps: [{ ...SET_IMAGE, action: 'kubernetes.scale' }] },
    ],
    ['an extra step', ROLLBACK, WITH_NOTE],
    [
      'another resolved target (the revision picked from the live state)',
      {
        ...ROLLBACK,
        steps: [{ ...SET_IMAGE, intent: { before: { revision: 2 }, after: { revision: 1 } } }],
      },
      {
        ...ROLLBACK,
        steps: [{ ...SET_IMAGE, intent: { before: { revision: 3 }, after: { revision: 2 } } }],
      },
    ],
    [
      'a replica count resolved from +2',
      {
        ...ROLLBACK,
        steps: [{ ...SET_IMAGE, intent: { before: { replicas: 3 }, after: { replicas: 5 } } }],
      },
      {
        ...ROLLBACK,
        steps: [{ ...SET_IMAGE, intent: { before: { replicas: 4 }, after: { replicas: 6 } } }],
      },
    ],
    ['steps in another order', WITH_NOTE, { ...ROLLBACK, steps: [NOTE, ...ROLLBACK.steps] }],
  ])('changes with %s', (_name, base, changed) => {
    expect(planHash(changed)).not.toBe(planHash(base));
    expect(planHash(changed)).toMatch(/^[a-f0-9]{64}$/);
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a function', () => 1],
  ])('refuses params holding %s', (_name, value) => {
    const plan = {
      ...ROLLBACK,
      steps: [{ action: 'kubernetes.scale', params: { replicas: value } }],
    };
    expect(() => planHash(plan)).toThrow('plan is not representable as JSON');
  });
});
