import { describe, expect, it } from 'vitest';
import { SIGNOFF_ROLE_MAX } from '../../../src/domain/playbooks/check-gate.ts';
import { decideGate, type GateResult, type Waiver } from '../../../src/gates/decide-gate.ts';
import { validateMessage } from '../../../src/sandbox/slack/block-kit/validate-payload.ts';
import { renderGateMessage } from '../../../src/slack/render/gate-message.ts';

const NOW = new Date('2026-12-07T04:00:00Z');
const QUERY =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout",env="prod",route!~"/health.*"}[5m]))) * 1000';

function failingPromql(gates: number, checks: number): GateResult[] {
  return Array.from({ length: gates }, (_, g) => ({
    name: `Gate ${g + 1} latency and errors`,
    checks: Array.from({ length: checks }, (_, c) => ({
      checkId: `g${g}c${c}`,
      title: `p99 latency check ${c + 1}`,
      status: 'failed' as const,
      value: '1234.5',
      reason: `${QUERY} = 1234.5 is not < 300 (worst of 12 series)`,
      link: `https://prometheus.example/graph?g0.expr=${encodeURIComponent(QUERY)}&g0.tab=0`,
    })),
  }));
}

function render(results: GateResult[], roles: string[], waivers: Waiver[] = []) {
  const decision = decideGate({ results, waivers, signOffs: [], requiredRoles: roles, now: NOW });
  return renderGateMessage({
    title: 'Release gate',
    setId: 'default',
    service: 'checkout',
    env: 'prod',
    version: 'v1.2.3',
    requester: 'U01ALICE01',
    decision,
    ranAt: NOW,
    gateId: 'g-1',
    signOffs: { valid: [], invalidated: [] },
    waivers,
    now: NOW,
    waiverRoles: ['release-manager'],
    evidence: { url: 'https://mc.example/evidence/e-1', decision: 'NO-GO' },
  });
}

type Button = { action_id: string; text: { text: string }; value: string };
const buttons = (blocks: unknown[]) =>
  (blocks as Array<{ type: string; elements?: Button[] }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements!);
const passing: GateResult[] = [
  { name: 'Health', checks: [{ checkId: 'h', title: 'Up', status: 'passed', reason: 'ok' }] },
];

describe('slack/render/gate-message fits Slack', () => {
  it('shortens "Sign off as <role>" to 75 characters and keeps the role whole in the value', () => {
    const role = `release-${'x'.repeat(60)}`;
    const { blocks } = render(passing, [role]);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    const button = buttons(blocks).find((b) => b.action_id === `gate.signoff:${role}`)!;
    expect(button.text.text).toHaveLength(75);
    expect(button.text.text).toMatch(/^Sign off as release-x+…$/);
    expect(button.value).toBe(`g-1|${role}`);
  });

  it('renders a valid button for the longest sign-off role mc validate accepts', () => {
    const role = `r${'x'.repeat(SIGNOFF_ROLE_MAX - 1)}`;
    const { blocks } = render(passing, [role]);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    expect(buttons(blocks)[1]?.action_id).toHaveLength(255);
    const over = render(passing, [`${role}x`]).blocks;
    expect(validateMessage({ text: 't', blocks: over })?.error).toBe('invalid_blocks');
  });

  it('offers Re-run and a button for each of 30 sign-off roles', () => {
    const roles = Array.from({ length: 30 }, (_, i) => `role-${i}`);
    const { blocks } = render(passing, roles);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    expect(buttons(blocks).map((b) => b.action_id)).toEqual([
      'gate.rerun',
      ...roles.map((r) => `gate.signoff:${r}`),
    ]);
  });

  it('fits 8 gates × 5 failing PromQL checks under the block-text budget', () => {
    const { blocks } = render(failingPromql(8, 5), ['qa-lead']);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    const text = JSON.stringify(blocks);
    for (let g = 1; g <= 8; g++)
      expect(text).toContain(`${g}. *Gate ${g} latency and errors* (failed)`);
    expect(buttons(blocks).map((b) => b.action_id)).toEqual(['gate.rerun', 'gate.signoff:qa-lead']);
    // Each query once: the reason's quote of it became the link to its graph.
    expect(text).not.toContain('histogram_quantile(0.99, sum');
    expect(text).toContain('|query> = 1234.5 is not &lt; 300');
  });

  it('keeps Re-run and Sign-off when the gates would need more than 50 blocks', () => {
    const { blocks } = render(failingPromql(100, 1), ['qa-lead']);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    expect(buttons(blocks).map((b) => b.action_id)).toEqual(['gate.rerun', 'gate.signoff:qa-lead']);
    expect(JSON.stringify(blocks)).toMatch(
      /not shown.*<https:\/\/mc\.example\/evidence\/e-1\|the signed manifest>/,
    );
  });

  it('says until when a gate is waived however long and escaped its reason is', () => {
    const failed: GateResult[] = [
      {
        name: 'Soak',
        checks: [{ checkId: 's', title: 'Soak', status: 'failed', reason: 'short' }],
      },
    ];
    const expiresAt = new Date('2026-12-08T04:00:00Z');
    const waiver = { gate: 'Soak', by: 'U02CAROL03', reason: '<the> & '.repeat(62), expiresAt };
    const { blocks } = render(failed, [], [waiver]);
    expect(validateMessage({ text: 't', blocks })).toBeNull();
    const line = JSON.stringify(blocks)
      .split('\\n')
      .find((l) => l.includes('Waived by'))!;
    expect(line).toContain(
      'Waived by <@U02CAROL03> until <!date^1796702400^{date_short_pretty} {time}|2026-12-08 04:00 UTC>: &lt;the&gt; &amp;',
    );
    expect(line).toMatch(/(&gt;|&amp;|&lt;) ?… _\([\d,]+ more characters not shown\)_/);
  });
});
