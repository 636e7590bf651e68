import { describe, expect, it } from 'vitest';
import {
  decodeRunButton,
  encodeRunButton,
  type Finding,
  type Line,
  runFinding,
  runOutcome,
} from '../../src/findings/index.ts';
import {
  approval,
  HASH,
  LEAD,
  makeView,
  NOW,
  REQUESTER,
  RM,
  type ViewInput,
} from '../support/runs-views.ts';

const text = (line: Line) =>
  line
    .map((p) =>
      typeof p === 'string'
        ? p
        : 'user' in p
          ? `@${p.user}`
          : 'group' in p
            ? `@@${p.group}`
            : 'time' in p
              ? '<time>'
              : p.text,
    )
    .join('');
const field = (f: Finding, label: string) => {
  const found = f.fields.find((x) => x.label === label);
  return found ? text(found.value) : undefined;
};
const buttons = (f: Finding) => f.buttons.map((b) => b.text);
const later = new Date(NOW.getTime() + 60 * 60_000);
const earlier = new Date(NOW.getTime() - 1000);

describe('src/findings/run-finding', () => {
  it.each<[string, ViewInput, string, string[]]>([
    [
      'staging, waiting for the requester',
      { env: 'staging' },
      'waiting for confirmation',
      ['Confirm', 'Cancel'],
    ],
    [
      'prod, waiting for approvers',
      { env: 'prod' },
      'waiting for approval',
      ['Approve', 'Reject', 'Cancel'],
    ],
    ['executing', { state: 'executing' }, 'executing', []],
    [
      'succeeded within the revert window',
      { state: 'succeeded', revertUntil: later },
      'succeeded',
      ['Revert'],
    ],
    [
      'succeeded after the revert window',
      { state: 'succeeded', revertUntil: earlier },
      'succeeded',
      [],
    ],
    [
      'failed with a step applied',
      { state: 'failed', revertUntil: later, steps: [{ state: 'failed', before: {} }] },
      'failed',
      ['Revert'],
    ],
    [
      'failed before anything changed',
      { state: 'failed', revertUntil: later, steps: [{ state: 'failed' }] },
      'failed',
      [],
    ],
    ['reverted', { state: 'reverted', error: 'Step 1 failed: boom' }, 'reverted', []],
    ['rejected', { state: 'rejected', error: 'Rejected by <@U0LEAD0001>' }, 'rejected', []],
    ['expired', { state: 'expired' }, 'expired', []],
    ['cancelled', { state: 'cancelled' }, 'cancelled', []],
    [
      'interrupted while executing',
      {
        state: 'interrupted',
        interruptedFrom: 'executing',
        steps: [{ state: 'succeeded', before: {} }],
      },
      'interrupted while executing',
      ['Resume', 'Revert'],
    ],
    [
      'interrupted while reverting',
      {
        state: 'interrupted',
        interruptedFrom: 'reverting',
        steps: [{ state: 'succeeded', before: {} }],
      },
      'interrupted while reverting',
      ['Continue revert'],
    ],
    [
      'an interrupted revert run',
      {
        state: 'interrupted',
        interruptedFrom: 'executing',
        revertOf: 'r_original0001',
        steps: [{ state: 'succeeded', before: {} }],
      },
      'interrupted while executing',
      ['Resume'],
    ],
  ])('%s: status and buttons', (_name, input, status, expected) => {
    const steps = input.steps ?? [{ state: input.state === 'succeeded' ? 'succeeded' : 'pending' }];
    const finding = runFinding(makeView({ ...input, steps }), NOW);
    expect(finding.status).toBe(status);
    expect(buttons(finding)).toEqual(expected);
  });

  it('every button carries the run id and plan hash, never the parameters', () => {
    const finding = runFinding(makeView({ env: 'prod' }), NOW);
    for (const button of finding.buttons) {
      expect(button.value).toBe(`r_abcdefghijkl:${HASH}`);
      expect(decodeRunButton(button.value)).toEqual({ runId: 'r_abcdefghijkl', planHash: HASH });
      expect(button.value).not.toContain('checkout');
    }
    expect(finding.buttons.map((b) => b.actionId)).toEqual([
      'run.approve',
      'run.reject',
      'run.cancel',
    ]);
  });

  it('decodes only well-formed button values', () => {
    expect(decodeRunButton(encodeRunButton({ runId: 'r_x', planHash: HASH }))).toEqual({
      runId: 'r_x',
      planHash: HASH,
    });
    for (const raw of [
      undefined,
      '',
      'r_x',
      `r_x:${HASH.slice(1)}`,
      `r x:${HASH}`,
      '{"service":"checkout"}',
    ]) {
      expect(decodeRunButton(raw)).toBeUndefined();
    }
  });

  it('a plan waiting for approval shows target, step diff, requester, reason, tally, expiry', () => {
    const finding = runFinding(makeView({ env: 'prod', reason: 'p99 doubled after 1.4.2' }), NOW);
    expect(finding.title).toBe('Rollback `checkout` in `prod`');
    expect(finding.summary).toBe(
      'Rollback checkout in prod: waiting for approval (0 of 1 (sre-lead, release-manager)).',
    );
    expect(field(finding, 'Requested by')).toBe(`@${REQUESTER}`);
    expect(field(finding, 'Reason')).toBe('p99 doubled after 1.4.2');
    expect(field(finding, 'Approvals')).toBe('0 of 1 (sre-lead, release-manager)');
    const expires = finding.fields.find((f) => f.label === 'Expires')?.value[0];
    expect(expires).toEqual({ time: new Date(NOW.getTime() + 14 * 60_000) });
    expect(finding.steps).toEqual([
      expect.objectContaining({
        number: 1,
        action: 'k8s.rollout-undo',
        summary: expect.stringContaining(
          'revision 7 (`shop/checkout:1.4.2`) → revision 6 (`shop/checkout:1.4.1`), 6 pods',
        ),
        diff: ['- app: shop/checkout:1.4.2', '+ app: shop/checkout:1.4.1'],
        affected: '6 pods; ReplicaSet checkout-6f7d is reused',
      }),
    ]);
    expect(finding.steps[0]?.state).toBeUndefined();
    expect(finding.notes.map(text)).toContainEqual(
      `Needs 1 more approval from sre-lead or release-manager. @${REQUESTER} asked for it and cannot approve it.`,
    );
  });

  it('names who approved, and approvals that expired or were for an older plan', () => {
    const view = makeView({
      env: 'prod',
      count: 2,
      approvals: [
        approval(LEAD, 'sre-lead'),
        approval(RM, 'release-manager', 20),
        approval('U0OLD00001', 'sre-lead', 1, 'f'.repeat(64)),
      ],
    });
    const finding = runFinding(view, NOW);
    expect(field(finding, 'Approvals')).toBe(
      `1 of 2 (sre-lead, release-manager) · approved by @${LEAD} (sre-lead) · expired: @${RM} (release-manager) · for an older plan: @U0OLD00001 (sre-lead)`,
    );
  });

  it('staging needs no approval: the requester confirms', () => {
    const finding = runFinding(makeView({ env: 'staging' }), NOW);
    expect(field(finding, 'Approvals')).toBe(`not needed: @${REQUESTER} confirms`);
    expect(finding.notes.map(text)).toContainEqual(
      `Nothing changes until @${REQUESTER} clicks Confirm.`,
    );
    expect(finding.buttons[0]).toMatchObject({ actionId: 'run.confirm', style: 'primary' });
    expect(finding.buttons[0]?.confirm).toBeUndefined();
  });

  it('an irreversible step puts a confirm dialog on Confirm and Approve', () => {
    const steps = [{}, { action: 'k8s.restart', reversible: false }];
    for (const env of ['staging', 'prod'] as const) {
      const [first] = runFinding(makeView({ env, steps }), NOW).buttons;
      expect(first?.confirm?.text).toContain('Step 2 (k8s.restart) cannot be reverted');
    }
  });

  it('while executing: step states and the progress line, no buttons', () => {
    const view = makeView({
      state: 'executing',
      steps: [{ state: 'running' }],
      progress: 'Step 1 of 1: 2 of 6 pods updated',
    });
    const finding = runFinding(view, NOW);
    expect(finding.steps[0]?.state).toBe('running');
    expect(finding.progress).toBe('Step 1 of 1: 2 of 6 pods updated');
    expect(finding.fields.map((f) => f.label)).not.toContain('Expires');
  });

  it('after success: evidence link, revert deadline, a Revert button that asks first', () => {
    const view = makeView({
      state: 'succeeded',
      env: 'prod',
      steps: [{ state: 'succeeded' }],
      revertUntil: later,
      evidenceUrl: 'https://mc.test/evidence/ev1',
    });
    const finding = runFinding(view, NOW);
    expect(finding.links).toEqual([{ text: 'Evidence', url: 'https://mc.test/evidence/ev1' }]);
    expect(finding.fields.find((f) => f.label === 'Revert possible until')?.value).toEqual([
      { time: later },
    ]);
    const revert = finding.buttons[0];
    expect(revert?.confirm?.text).toContain('needs 1 approval from sre-lead or release-manager');
    const undone = runFinding(view, NOW, { revertedBy: 'r_revert00001' });
    expect(undone.buttons).toEqual([]);
    expect(undone.notes.map(text)).toContain('Undone by run r_revert00001.');
  });

  it('a failure is a problem; a rejection is a note', () => {
    const failed = runFinding(
      makeView({ state: 'reverted', error: 'Step 1 (k8s.rollout-undo) failed: timeout' }),
      NOW,
    );
    expect(failed.problems.map(text)).toEqual(['Step 1 (k8s.rollout-undo) failed: timeout']);
    const rejected = runFinding(
      makeView({ state: 'rejected', error: 'Rejected by <@U0LEAD0001>' }),
      NOW,
    );
    expect(rejected.problems).toEqual([]);
    expect(rejected.notes).toContainEqual(['Rejected by ', { user: 'U0LEAD0001' }]);
  });

  it('a revert run says which run it undoes', () => {
    const finding = runFinding(makeView({ env: 'staging', revertOf: 'r_original0001' }), NOW);
    expect(finding.title).toBe('Revert of run r_original0001 (rollback `checkout` in `staging`)');
    expect(finding.notes.map(text)).toContain('This run undoes run r_original0001.');
  });
});

describe('src/findings/run-outcome', () => {
  it.each<[ViewInput, string | undefined]>([
    [{ state: 'awaiting_approval' }, undefined],
    [{ state: 'executing' }, undefined],
    [
      { state: 'succeeded', evidenceUrl: 'https://mc.test/evidence/e1' },
      'Run r_abcdefghijkl (Rollback `checkout` in `prod`) succeeded: done; the cluster shows every step applied. Evidence',
    ],
    [
      { state: 'reverted', error: 'Step 1 failed: x', evidenceUrl: 'https://mc.test/evidence/e2' },
      'Run r_abcdefghijkl (Rollback `checkout` in `prod`) was reverted: Step 1 failed: x; what it changed was put back. Evidence',
    ],
    [
      { state: 'expired' },
      'Run r_abcdefghijkl (Rollback `checkout` in `prod`) expired: nobody confirmed or approved it in time; nothing changed.',
    ],
    [
      { state: 'interrupted' },
      'Run r_abcdefghijkl (Rollback `checkout` in `prod`) was interrupted: mc stopped while it ran. Resume or Revert it with the buttons above.',
    ],
  ])('%o', (input, expected) => {
    const outcome = runOutcome(makeView(input));
    expect(outcome && text(outcome.line)).toBe(expected);
    if (outcome && input.evidenceUrl)
      expect(outcome.line.at(-1)).toEqual({ link: input.evidenceUrl, text: 'Evidence' });
  });
});
