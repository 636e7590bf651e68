import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load-config.ts';
import { judgeDrill } from '../../src/domain/drills/judge-drill.ts';
import { planDrill } from '../../src/domain/drills/plan-drill.ts';
import { restoreSteps } from '../../src/domain/drills/restore-steps.ts';
import type { DrillPlaybook } from '../../src/domain/playbooks/drill-schema.ts';
import { loadRepoConfig } from '../support/slack.ts';

describe('domain/drills/plan-drill', () => {
  let config: LoadedConfig;
  const scenario = (id: string) => {
    const found = config.playbooks.find(
      (p): p is DrillPlaybook => p.kind === 'drill' && p.id === id,
    );
    if (!found) throw new Error(`no drill ${id} in playbooks/drills/`);
    return found;
  };
  beforeAll(async () => {
    config = await loadRepoConfig();
  });

  it('ships the four scenarios, each with fault, environments, recovery, RTO, max duration and restore', () => {
    const drills = config.playbooks.filter((p) => p.kind === 'drill') as DrillPlaybook[];
    expect(drills.map((d) => d.id).sort()).toEqual([
      'dependency-outage',
      'kill-switch',
      'pod-kill',
      'rollback-rehearsal',
    ]);
    for (const d of drills) {
      expect(d.environments.length).toBeGreaterThan(0);
      expect(d.recovery.rto).toMatch(/^\d+[smh]$/);
      expect(d.maxDuration).toMatch(/^\d+[smh]$/);
      expect(d.restore.description.length).toBeGreaterThan(10);
    }
  });

  it.each([
    ['dependency-outage', 'prod', 300, /may not run in `prod`: it is allowed only in `staging`/],
    [
      'pod-kill',
      'staging',
      3_600,
      /`--duration 1h` is longer than the `pod-kill` drill allows \(maxDuration 10m\)/,
    ],
    ['dependency-outage', 'staging', 0, /must be longer than 0s/],
  ])('refuses %s in %s for %ss', (id, env, durationSeconds, message) => {
    const result = planDrill(scenario(id), config.catalog, {
      service: 'checkout',
      env,
      durationSeconds,
    });
    expect(result.ok ? 'planned' : result.message).toMatch(message);
  });

  it('refuses a dependency outage of a service without dependencies', () => {
    const result = planDrill(scenario('dependency-outage'), config.catalog, {
      service: 'payments',
      env: 'staging',
      durationSeconds: 60,
    });
    expect(result.ok ? '' : result.message).toContain(
      '`payments` lists no dependencies in catalog.yml',
    );
  });

  it('plans each fault as engine steps, with a blast radius naming who is affected', () => {
    const plan = (id: string) => {
      const result = planDrill(scenario(id), config.catalog, {
        service: 'checkout',
        env: 'staging',
        durationSeconds: 120,
      });
      if (!result.ok) throw new Error(result.message);
      return result.plan;
    };
    expect(plan('pod-kill').faultSteps).toEqual([
      { action: 'k8s.delete-pods', params: { service: 'checkout', env: 'staging', percent: 33 } },
    ]);
    const outage = plan('dependency-outage');
    expect(outage.faultTarget).toEqual({ service: 'payments', env: 'staging' });
    expect(outage.faultSteps[0]?.params).toEqual({
      service: 'payments',
      env: 'staging',
      replicas: 0,
    });
    expect(outage.blastRadius[0]).toBe(
      '`payments/staging` has no pods for 2m: `checkout` loses it.',
    );
    expect(outage.hold).toBe(true);
    const kill = plan('kill-switch');
    expect(kill.faultSteps[0]?.params).toMatchObject({
      configMap: 'checkout-flags',
      value: 'false',
    });
    expect(kill.recovery).toMatchObject({
      kind: 'promql',
      query: expect.stringContaining('service="checkout",env="staging"'),
    });
    expect(plan('rollback-rehearsal').faultSteps[0]?.action).toBe('k8s.rollout-undo');
  });

  it('fills service and env into the restore description, as the checker allows', () => {
    const playbook = scenario('kill-switch');
    const result = planDrill(
      {
        ...playbook,
        restore: { ...playbook.restore, description: 'Flip {{ service }}/{{ env }}.' },
      },
      config.catalog,
      { service: 'checkout', env: 'staging', durationSeconds: 60 },
    );
    expect(result.ok && result.plan.restore.description).toBe('Flip checkout/staging.');
  });
});

describe('domain/drills/restore-steps', () => {
  it.each([
    [
      {
        action: 'k8s.scale',
        params: { service: 'payments', env: 'staging', replicas: 0 },
        before: { replicas: 3 },
      },
      [{ action: 'k8s.scale', params: { service: 'payments', env: 'staging', replicas: 3 } }],
    ],
    [
      {
        action: 'k8s.rollout-undo',
        params: { service: 'checkout', env: 'prod' },
        before: { revision: 3 },
      },
      [{ action: 'k8s.rollout-undo', params: { service: 'checkout', env: 'prod', toRevision: 3 } }],
    ],
    [
      {
        action: 'k8s.set-configmap-key',
        params: { service: 'c', env: 's', configMap: 'f', key: 'k', value: 'false' },
        before: { value: 'true' },
      },
      [
        {
          action: 'k8s.set-configmap-key',
          params: { service: 'c', env: 's', configMap: 'f', key: 'k', value: 'true' },
        },
      ],
    ],
    [
      {
        action: 'k8s.delete-pods',
        params: { service: 'c', env: 's', count: 1 },
        before: { pods: ['a'] },
      },
      [],
    ],
  ])('undoes %o with the state it captured', (step, steps) => {
    expect(restoreSteps([step])).toEqual({ ok: true, steps });
  });

  it('says what to do by hand when the state before is unknown', () => {
    const result = restoreSteps([
      {
        action: 'k8s.set-configmap-key',
        params: { configMap: 'f', key: 'k' },
        before: { value: null },
      },
    ]);
    expect(result).toEqual({
      ok: false,
      message: 'f/k had no value before the drill; remove the key by hand.',
    });
  });
});

describe('domain/drills/judge-drill', () => {
  const base = { rtoSeconds: 60, recoverySeconds: 12, legs: [], restored: true };
  it.each([
    [base, 'passed', 'Recovered in 12s, within the RTO of 1m.'],
    [{ ...base, recoverySeconds: 75 }, 'failed', 'Recovered in 1m15s, over the RTO of 1m.'],
    [
      { ...base, recoverySeconds: null },
      'failed',
      'Recovery was never observed before the deadline.',
    ],
    [
      { ...base, legs: [{ name: 'roll forward', seconds: null, detail: '' }] },
      'failed',
      'Over the RTO of 1m: roll forward (not observed).',
    ],
    [{ ...base, abortedBy: 'U1' }, 'aborted', 'Aborted by U1; restored.'],
    [
      { ...base, restored: false, abortedBy: 'U1' },
      'restore-failed',
      'The restore failed: the fault may still be in place.',
    ],
  ])('judges %o as %s', (input, outcome, note) => {
    expect(judgeDrill(input)).toEqual({ outcome, note });
  });
});
