import { describe, expect, it } from 'vitest';
import { createBuiltinActionRegistry } from '../../src/actions/builtin-actions.ts';
import { checkPlaybooks } from '../../src/domain/playbooks/check-playbooks.ts';
import { loadRepoConfig } from '../support/slack.ts';

const VALID = {
  id: 'kill-it',
  kind: 'drill',
  title: 'Kill switch',
  description: 'Flip it.',
  environments: ['staging'],
  fault: { kind: 'kill-switch', configMap: '{{ service }}-flags', key: 'enabled', value: 'false' },
  recovery: {
    condition: {
      kind: 'promql',
      query: 'sum(up{service="{{ service }}"})',
      comparison: '<',
      threshold: 1,
    },
    rto: '1m',
  },
  maxDuration: '5m',
  restore: { kind: 'revert', description: 'Flip it back.' },
};

describe('domain/playbooks/drill-schema and check-drill', () => {
  const check = async (data: Record<string, unknown>) => {
    const { catalog } = await loadRepoConfig();
    const registry = createBuiltinActionRegistry();
    const actions = { names: () => registry.names(), validateParams: registry.validateParams };
    return checkPlaybooks([{ file: 'playbooks/drills/x.yml', data }], {
      actions,
      catalog,
    }).errors.map((e) => `${e.path}: ${e.message}`);
  };

  it('accepts a complete drill', async () => {
    expect(await check(VALID)).toEqual([]);
  });

  it('lists every problem at once: pairing, environments, templates, RTO past the deadline', async () => {
    const errors = await check({
      ...VALID,
      environments: ['stagin'],
      fault: { ...VALID.fault, configMap: '{{ servce }}-flags', key: 'bad key!' },
      recovery: { condition: { kind: 'replicas-available' }, rto: '10m' },
      hold: true,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'recovery.condition.kind: cannot measure a kill-switch fault; use promql',
        'recovery.rto: must not exceed maxDuration: the drill is restored by then',
        'hold: only a dependency-outage holds its fault; a kill-switch ends once measured',
        'environments.0: unknown environment "stagin"; known: staging, prod. Did you mean "staging"?',
        expect.stringMatching(/^fault\.configMap: unknown template variable "servce"/),
      ]),
    );
  });

  it('refuses a pod-kill without a count or percent, and a wrong restore', async () => {
    const errors = await check({
      ...VALID,
      fault: { kind: 'pod-kill' },
      recovery: { condition: { kind: 'replicas-available' }, rto: '1m' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'fault: must set exactly one of count or percent',
        'restore.kind: cannot undo a pod-kill fault; use await-recovery',
      ]),
    );
  });

  it('refuses template variables a drill never fills, naming the ones it does', async () => {
    const errors = await check({
      ...VALID,
      fault: { ...VALID.fault, configMap: '{{ alert.name }}-flags' },
      recovery: {
        ...VALID.recovery,
        condition: { ...VALID.recovery.condition, query: 'up{pd="{{ pagerduty.id }}"}' },
      },
    });
    expect(errors).toEqual([
      'fault.configMap: unknown template variable "alert.name"; only service, env are filled in here',
      'recovery.condition.query: unknown template variable "pagerduty.id"; only service, env are filled in here',
    ]);
  });

  it('checks every text the planner fills: the recovery description and the restore too', async () => {
    const errors = await check({
      ...VALID,
      recovery: {
        ...VALID.recovery,
        condition: { ...VALID.recovery.condition, description: 'off for {{ labels.team }}' },
      },
      restore: { kind: 'revert', description: 'Flip {{ srvice }} back.' },
    });
    expect(errors).toEqual([
      'recovery.condition.description: unknown template variable "labels.team"; only service, env are filled in here',
      'restore.description: unknown template variable "srvice"; only service, env are filled in here. Did you mean "service"?',
    ]);
  });

  it('makes `of` name what the runner watches: the dependency of an outage, the service of a pod-kill', async () => {
    const outage = {
      ...VALID,
      fault: { kind: 'dependency-outage' },
      recovery: { condition: { kind: 'replicas-available' }, rto: '1m' },
      hold: true,
    };
    expect(await check(outage)).toEqual([
      'recovery.condition.of: must be dependency: the dependency is what recovers',
    ]);
    expect(
      await check({
        ...outage,
        recovery: { condition: { kind: 'replicas-available', of: 'dependency' }, rto: '1m' },
      }),
    ).toEqual([]);
    expect(
      await check({
        ...VALID,
        fault: { kind: 'pod-kill', count: 1 },
        recovery: { condition: { kind: 'replicas-available', of: 'dependency' }, rto: '1m' },
        restore: { kind: 'await-recovery', description: 'Kubernetes replaces them.' },
      }),
    ).toEqual([
      'recovery.condition.of: must be service: a pod-kill recovers the service whose pods it deleted',
    ]);
  });
});
