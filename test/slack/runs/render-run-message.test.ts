import { describe, expect, it } from 'vitest';
import { planFinding, runFinding } from '../../../src/findings/index.ts';
import { RUN_ACTIONS_BLOCK, renderFinding } from '../../../src/slack/render/run-message.ts';
import { renderRunRefusal } from '../../../src/slack/render/run-refusal.ts';
import { makeView, NOW, REQUIREMENTS, ROLLBACK_PLAN } from '../../support/runs-views.ts';
import { visibleText } from '../../support/slack.ts';

type Button = {
  action_id: string;
  value: string;
  style?: string;
  confirm?: {
    title: { text: string };
    text: { text: string };
    confirm: { text: string };
    deny: { text: string };
  };
};

const actions = (blocks: unknown[]) =>
  (blocks as { type: string; block_id?: string; elements?: Button[] }[]).find(
    (b) => b.type === 'actions',
  );

describe('src/slack/render/run-message', () => {
  it('renders the plan: headline with emoji, fields, diff as code, buttons in one actions block', () => {
    const reply = renderFinding(
      runFinding(makeView({ env: 'prod', reason: 'p99 <doubled> & worse' }), NOW),
    );
    const text = visibleText(reply as unknown as Record<string, unknown>);
    expect(reply.text).toBe(
      'Rollback checkout in prod: waiting for approval (0 of 1 (sre-lead, release-manager)).',
    );
    expect(text).toContain(
      ':hourglass_flowing_sand: *Rollback `checkout` in `prod`* — waiting for approval',
    );
    expect(text).toContain('*Reason*\np99 &lt;doubled&gt; &amp; worse');
    expect(text).toContain(
      '*Expires*\n<!date^1772633940^{date_short_pretty} {time}|2026-03-04 14:19 UTC>',
    );
    expect(text).toContain('```\n- app: shop/checkout:1.4.2\n+ app: shop/checkout:1.4.1\n```');
    expect(text).toContain('_6 pods; ReplicaSet checkout-6f7d is reused_');
    const block = actions(reply.blocks);
    expect(block?.block_id).toBe(RUN_ACTIONS_BLOCK);
    expect(block?.elements?.map((b) => [b.action_id, b.style])).toEqual([
      ['run.approve', 'primary'],
      ['run.reject', 'danger'],
      ['run.cancel', undefined],
    ]);
  });

  it('puts a confirm dialog within Slack limits on buttons that need one', () => {
    const steps = [{}, { action: 'k8s.restart', reversible: false }];
    const reply = renderFinding(runFinding(makeView({ env: 'staging', steps }), NOW));
    const [confirm] = actions(reply.blocks)?.elements ?? [];
    expect(confirm?.confirm?.title.text).toBe('This cannot be undone');
    expect(confirm?.confirm?.text.text).toContain('Step 2 (k8s.restart) cannot be reverted');
    expect(confirm?.confirm?.text.text.length).toBeLessThanOrEqual(300);
    expect(confirm?.confirm?.confirm.text.length).toBeLessThanOrEqual(30);
    expect(visibleText(reply as unknown as Record<string, unknown>)).toContain(
      '*Step 2* · `k8s.restart` · _cannot be undone_',
    );
  });

  it('keeps mentions in engine messages and escapes everything else', () => {
    const view = makeView({ state: 'rejected', error: 'Rejected by <@U0LEAD0001>: <not now>' });
    const text = visibleText(
      renderFinding(runFinding(view, NOW)) as unknown as Record<string, unknown>,
    );
    expect(text).toContain('Rejected by <@U0LEAD0001>: &lt;not now&gt;');
  });

  it('a dry run has no buttons and says nothing was created', () => {
    const reply = renderFinding(
      planFinding({
        verb: 'rollback',
        target: { service: 'checkout', env: 'prod' },
        requester: 'U0ALICE001',
        steps: [{ action: 'k8s.rollout-undo', reversible: true, plan: ROLLBACK_PLAN }],
        requirements: REQUIREMENTS.prod,
      }),
    );
    const text = visibleText(reply as unknown as Record<string, unknown>);
    expect(actions(reply.blocks)).toBeUndefined();
    expect(text).toContain(':mag: *Rollback `checkout` in `prod` (dry run)* — dry run');
    expect(text).toContain(
      'A real run needs 1 approval from sre-lead or release-manager. It also needs `--reason`.',
    );
    expect(text).toContain('Nothing was created and nothing changed.');
  });
});

describe('src/slack/render/run-refusal', () => {
  it('lists who may approve: named users, groups with their members, empty groups', () => {
    const reply = renderRunRefusal({
      message: 'Only sre-lead may approve.',
      approvers: [
        {
          role: 'sre-lead',
          users: ['U01ALICE01'],
          groups: [{ id: 'S01SRELEAD', members: ['U0LEAD0001'] }],
        },
        { role: 'qa-lead', users: [], groups: [{ id: 'S0QA000001' }] },
        { role: 'nobody', users: [], groups: [] },
      ],
      correlationId: 'c-1',
    });
    const text = visibleText(reply as unknown as Record<string, unknown>);
    expect(text).toContain(':no_entry_sign: Only sre-lead may approve.');
    expect(text).toContain('• *sre-lead*: <@U01ALICE01>, <!subteam^S01SRELEAD> (<@U0LEAD0001>)');
    expect(text).toContain('• *qa-lead*: <!subteam^S0QA000001>');
    expect(text).toContain('• *nobody*: nobody yet');
    expect(text).toContain('Nothing was changed. · ref `c-1`');
  });
});
