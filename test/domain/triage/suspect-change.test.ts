import { beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../../src/domain/playbooks/schema.ts';
import { deploySignal } from '../../../src/domain/triage/deploy-signal.ts';
import type { DeployInput } from '../../../src/domain/triage/schema.ts';
import { flagReturns } from '../../../src/domain/triage/suspect-change.ts';
import { applyToPartition, rankIncident } from '../../../src/triage/apply-signals.ts';
import { loadRepoConfig } from '../../support/slack.ts';
import { alert, t } from './world.ts';

let playbooks: Playbook[];
beforeAll(async () => {
  playbooks = (await loadRepoConfig()).playbooks;
});

/** A change of checkout: `kind from→to by at`, in prod unless told. */
function change(
  kind: DeployInput['kind'],
  from: string,
  to: string,
  at: string,
  over: Partial<DeployInput> = {},
): DeployInput {
  return { service: 'checkout', env: 'prod', from, to, by: 'alice', at: t(at), kind, ...over };
}

/** What the bundled playbooks offer for a crash loop on checkout/prod at 03:14 after `changes`. */
function triage(changes: DeployInput[]) {
  const crash = alert('fp-crash', 'KubePodCrashLooping', '03:14');
  const outcome = applyToPartition({
    incidents: [],
    deploys: flagReturns(changes).map(deploySignal),
    signals: [crash],
  });
  const incident = outcome.changed[0]?.incident;
  if (!incident) throw new Error('no incident opened');
  const view = rankIncident(incident, playbooks, new Date(t('03:30')));
  const top = view.suggestions[0];
  const regression = view.candidates.find((c) => c.playbook === 'deploy-regression');
  return {
    top: top?.playbook,
    step: top?.plan.steps[0]?.description,
    reasons: regression?.reasons ?? [],
  };
}

describe('domain/triage/suspect-change', () => {
  it.each([
    {
      name: 'a deploy 4 min before is the suspect',
      changes: [change('deploy', '1.4.1', '1.4.2', '03:10')],
      top: 'deploy-regression',
      step: 'Roll checkout in prod back from 1.4.2 to 1.4.1',
    },
    {
      name: 'a prod rollback 1.4.2 → 1.4.1 is not a deploy to roll back',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '02:00'),
        change('rollback', '1.4.2', '1.4.1', '03:10', { by: 'bob' }),
      ],
      top: 'pod-crashloop',
      reason:
        'needs a deploy of checkout/prod within 30 min before the first signal: the latest change is a rollback `1.4.2` → `1.4.1` by @bob, not a deploy to roll back',
    },
    {
      name: 'an automatic rollback is not a suspect either',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '03:00', { outcome: 'rolled-back' }),
        change('auto-rollback', '1.4.2', '1.4.1', '03:08', { by: 'mc' }),
      ],
      top: 'pod-crashloop',
    },
    {
      name: 'a Revert of a bad deploy is not a suspect',
      changes: [
        change('deploy', '1.4.2', '1.4.3-bad', '02:30'),
        change('revert', '1.4.3-bad', '1.4.2', '03:05'),
      ],
      top: 'pod-crashloop',
    },
    {
      name: 'a triage run that rolled back is not a suspect',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '02:50'),
        change('triage', '1.4.2', '1.4.1', '03:05'),
      ],
      top: 'pod-crashloop',
    },
    {
      name: 'a deploy superseded by a rollback before the signal is not rolled back again',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '03:00'),
        change('rollback', '1.4.2', '1.4.1', '03:05'),
      ],
      top: 'pod-crashloop',
    },
    {
      name: 'a rollback after the first signal ends the suspicion',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '03:10'),
        change('rollback', '1.4.2', '1.4.1', '03:20', { by: 'bob' }),
      ],
      top: 'pod-crashloop',
      reason:
        'needs a deploy of checkout/prod within 30 min before the first signal: the latest change, rollback `1.4.2` → `1.4.1` by @bob, came after the first signal',
    },
    {
      name: 'a rollback rehearsal restored just before is not a suspect, nor flagged',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '01:00'),
        change('drill-fault', '1.4.2', '1.4.1', '03:00'),
        change('drill-restore', '1.4.1', '1.4.2', '03:05'),
      ],
      top: 'pod-crashloop',
    },
    {
      name: 'a deploy to staging does not explain prod',
      changes: [change('deploy', '1.4.1', '1.4.2', '03:10', { env: 'staging' })],
      top: 'pod-crashloop',
    },
    {
      name: 'a change made outside mc is a suspect',
      changes: [change('external', '1.4.1', '1.4.9-hotfix', '03:10', { by: 'unknown' })],
      top: 'deploy-regression',
      step: 'Roll checkout in prod back from 1.4.9-hotfix to 1.4.1',
    },
    {
      name: 'a deploy back to a version rolled back earlier is flagged',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '01:00'),
        change('rollback', '1.4.2', '1.4.1', '01:30', { by: 'bob' }),
        change('deploy', '1.4.1', '1.4.2', '03:10'),
      ],
      top: 'deploy-regression',
      step: 'Roll checkout in prod back from 1.4.2 to 1.4.1',
      reason: '`1.4.2` is a version taken out earlier (rollback by @bob at 2026-11-22 01:30 UTC)',
    },
    {
      name: 'a Revert of a rollback re-ships the bad version: flagged, and a suspect',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '02:00'),
        change('rollback', '1.4.2', '1.4.1', '02:30', { by: 'bob' }),
        change('revert', '1.4.1', '1.4.2', '03:10'),
      ],
      top: 'deploy-regression',
      step: 'Roll checkout in prod back from 1.4.2 to 1.4.1',
      reason: '`1.4.2` is a version taken out earlier (rollback by @bob at 2026-11-22 02:30 UTC)',
    },
  ])('$name', ({ changes, top, step, reason }) => {
    const result = triage(changes);
    expect(result.top).toBe(top);
    if (step) expect(result.step).toBe(step);
    else expect(result.step ?? '').not.toContain('back from');
    if (reason) expect(result.reasons).toContain(reason);
  });

  it.each([
    {
      name: 'a deploy whose version was rolled back before',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '01:00'),
        change('rollback', '1.4.2', '1.4.1', '02:00'),
        change('deploy', '1.4.1', '1.4.2', '03:00'),
      ],
      flagged: [false, false, true],
    },
    {
      name: 'a deploy of a version whose earlier deploy failed',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '01:00', { outcome: 'failed' }),
        change('deploy', '1.4.1', '1.4.2', '02:00'),
      ],
      flagged: [false, true],
    },
    {
      name: 'a drill restore back to the release the drill rolled back',
      changes: [
        change('drill-fault', '1.4.2', '1.4.1', '01:00'),
        change('drill-restore', '1.4.1', '1.4.2', '01:05'),
      ],
      flagged: [false, false],
    },
    {
      name: 'deploys moving forward',
      changes: [
        change('deploy', '1.4.1', '1.4.2', '01:00'),
        change('deploy', '1.4.2', '1.4.3', '02:00'),
      ],
      flagged: [false, false],
    },
    {
      name: 'the same version rolled back in staging, deployed to prod',
      changes: [
        change('rollback', '1.4.2', '1.4.1', '01:00', { env: 'staging' }),
        change('deploy', '1.4.1', '1.4.2', '02:00'),
      ],
      flagged: [false, false],
    },
  ])('flagReturns: $name', ({ changes, flagged }) => {
    expect(flagReturns(changes).map((c) => c.returnsTo !== undefined)).toEqual(flagged);
  });
});
