import { describe, expect, it } from 'vitest';
import { Run } from '../../../src/domain/runs/index.ts';

const T = new Date('2026-03-01T03:00:00.000Z');

const RUN = {
  id: 'run_01',
  verb: 'rollback',
  target: { service: 'checkout', env: 'prod' },
  requester: 'U09BOB0001',
  reason: 'p99 latency doubled after v1.4.2',
  state: 'awaiting_approval',
  planHash: 'a'.repeat(64),
  steps: [
    {
      index: 0,
      action: 'kubernetes.rollout-undo',
      params: { toRevision: 41 },
      reversible: true,
      plan: 'image v1.4.2 → v1.4.1, 6 pods',
      state: 'pending',
    },
  ],
  createdAt: T,
  updatedAt: T,
  expiresAt: new Date(T.getTime() + 15 * 60_000),
};

describe('domain/runs/schema', () => {
  it('accepts a planned rollback', () => {
    expect(Run.parse(RUN)).toEqual(RUN);
  });

  it.each<[string, unknown, string]>([
    ['an unknown state', { ...RUN, state: 'done' }, 'state'],
    ['a short plan hash', { ...RUN, planHash: 'abc' }, 'planHash'],
    ['no steps', { ...RUN, steps: [] }, 'steps'],
    [
      'steps numbered out of order',
      { ...RUN, steps: RUN.steps.map((s) => ({ ...s, index: 1 })) },
      'steps.0.index',
    ],
    [
      'an unknown step state',
      { ...RUN, steps: RUN.steps.map((s) => ({ ...s, state: 'ok' })) },
      'steps.0.state',
    ],
    ['an unexpected field', { ...RUN, approvals: [] }, ''],
  ])('rejects %s', (_name, input, path) => {
    const result = Run.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
