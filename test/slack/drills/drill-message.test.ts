import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/config/schema.ts';
import type { DrillResult, TimelineEntry } from '../../../src/domain/drills/drill-result.ts';
import { judgeDrill } from '../../../src/domain/drills/judge-drill.ts';
import { type DrillPlan, planDrill } from '../../../src/domain/drills/plan-drill.ts';
import type { DrillPlaybook } from '../../../src/domain/playbooks/drill-schema.ts';
import type { Drill } from '../../../src/drills/drill-store.ts';
import type { SlackReply } from '../../../src/slack/render/blocks.ts';
import {
  DRILL_ABORT_ACTION,
  DRILL_RETRY_ACTION,
  renderDrillMessage,
} from '../../../src/slack/render/drill-message.ts';
import { renderDrillNotice } from '../../../src/slack/render/drill-notice.ts';
import { renderDrillReport } from '../../../src/slack/render/drill-report.ts';
import { loadRepoConfig, visibleText } from '../../support/slack.ts';

const CREATED = new Date('2026-03-04T10:00:00.000Z');
const INJECTED = new Date('2026-03-04T10:00:01.500Z');
const DEADLINE = new Date('2026-03-04T10:05:01.500Z');
const EVIDENCE = 'https://mc.example.com/evidence/ev_7f3a';
const SECTION_LIMIT = 3000;

interface ShownBlock {
  type: string;
  text?: { text: string };
  elements?: {
    text?: string | { text: string };
    action_id?: string;
    value?: string;
    style?: string;
  }[];
}

const blocksOf = (reply: SlackReply) => reply.blocks as unknown as ShownBlock[];
const sections = (reply: SlackReply) =>
  blocksOf(reply)
    .filter((b) => b.type === 'section')
    .map((b) => b.text?.text ?? '');
const contextText = (reply: SlackReply) =>
  blocksOf(reply)
    .filter((b) => b.type === 'context')
    .flatMap((b) => b.elements ?? [])
    .map((e) => (typeof e.text === 'string' ? e.text : ''))
    .join('\n');
const buttons = (reply: SlackReply) =>
  blocksOf(reply)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({
      action: e.action_id,
      label: typeof e.text === 'object' ? e.text.text : e.text,
      value: e.value,
      style: e.style,
    }));
const shown = (reply: SlackReply) => visibleText(reply as unknown as Record<string, unknown>);

/** `at` seconds after the fault was injected. */
const at = (seconds: number) => new Date(INJECTED.getTime() + seconds * 1000).toISOString();

describe('src/slack/render/drill-message and drill-report', () => {
  let catalog: Catalog;
  let scenarios: Map<string, DrillPlaybook>;

  beforeAll(async () => {
    const config = await loadRepoConfig();
    catalog = config.catalog;
    scenarios = new Map(
      config.playbooks.filter((p): p is DrillPlaybook => p.kind === 'drill').map((p) => [p.id, p]),
    );
  });

  /** The plan `/mc drill <scenario> checkout --env <env> --duration 5m` makes from the repo's scenario. */
  function planFor(scenario: string, env: string): DrillPlan {
    const playbook = scenarios.get(scenario);
    if (!playbook) throw new Error(`no scenario ${scenario} in playbooks/drills/`);
    const planned = planDrill(playbook, catalog, {
      service: 'checkout',
      env,
      durationSeconds: 300,
    });
    if (!planned.ok) throw new Error(planned.message);
    return planned.plan;
  }

  function podKill(overrides: Partial<Drill> = {}): Drill {
    const plan = {
      ...planFor('pod-kill', 'prod'),
      faultSummary: ['Delete 2 of 6 pods of checkout/prod · 6 pods'],
    };
    return {
      id: 'd_0a1b2c3d4e5f',
      scenario: 'pod-kill',
      service: 'checkout',
      env: 'prod',
      requester: 'U0ALICE',
      reason: 'quarterly game day',
      plan,
      state: 'awaiting_run',
      faultRun: 'r_fault01',
      createdAt: CREATED,
      progress: { timeline: [], legs: [], sloImpact: [] },
      ...overrides,
    };
  }

  function finished(
    recoverySeconds: number | null,
    extra: Partial<DrillResult> = {},
  ): Partial<Drill> {
    const verdict = judgeDrill({ rtoSeconds: 120, recoverySeconds, legs: [], restored: true });
    const result: DrillResult = {
      drillId: 'd_0a1b2c3d4e5f',
      scenario: 'pod-kill',
      service: 'checkout',
      env: 'prod',
      outcome: verdict.outcome,
      startedAt: INJECTED.toISOString(),
      finishedAt: at(200),
      recoverySeconds,
      rtoSeconds: 120,
      requestedBy: 'U0ALICE',
      evidenceUrl: EVIDENCE,
      legs: [],
      sloImpact: [],
      note: verdict.note,
      ...extra,
    };
    return {
      state: 'finished',
      outcome: result.outcome,
      injectedAt: INJECTED,
      restoreDeadline: DEADLINE,
      finishedAt: new Date(result.finishedAt),
      result,
      progress: {
        timeline: [{ at: at(0), event: 'fault injected: delete 2 pods' }],
        legs: [],
        sloImpact: [],
        now: '3/3 pods ready',
      },
    };
  }

  it('plans: blast radius, restore plan and deadline, recovery and RTO, and Abort carrying the drill id', () => {
    const reply = renderDrillMessage(podKill());
    const [head, fault, restore, ...rest] = sections(reply);
    expect(head).toBe(
      ':test_tube: *Drill `pod-kill` on `checkout/prod`* · :hourglass_flowing_sand: waiting for the fault run to be confirmed or approved',
    );
    expect(fault).toBe(
      [
        '*Fault* (run `r_fault01`)',
        '• Delete 2 of 6 pods of checkout/prod · 6 pods',
        '*Blast radius*',
        '• Deletes a third of the pods (at least one) of `checkout/prod`; the others keep serving while the ReplicaSet replaces them.',
        '• No service in the catalog lists `checkout` as a dependency.',
        '• Restored at the latest 5m after the fault.',
      ].join('\n'),
    );
    expect(restore).toBe(
      [
        '*Restore plan*: The ReplicaSet replaces the deleted pods; mc checks every wanted replica is ready again. At the latest 5m after the fault; *Abort* restores at once.',
        '*Recovery*: every wanted pod of `checkout/prod` ready again · RTO 2m',
      ].join('\n'),
    );
    expect(rest).toEqual([]);
    expect(buttons(reply)).toEqual([
      { action: DRILL_ABORT_ACTION, label: 'Abort', value: 'd_0a1b2c3d4e5f', style: 'danger' },
    ]);
    expect(contextText(reply)).toBe(
      'Requested by <@U0ALICE> · “quarterly game day” · `d_0a1b2c3d4e5f`',
    );
    expect(reply.text).toBe(
      'Drill pod-kill on checkout/prod: waiting for the fault run to be confirmed or approved',
    );
  });

  it('falls back to the fault step actions when the engine gave no plan lines', () => {
    const drill = podKill();
    const { faultSummary: _, ...plan } = drill.plan;
    const [, fault] = sections(renderDrillMessage({ ...drill, plan }));
    expect(fault).toMatch(/^\*Fault\* \(run `r_fault01`\)\n• k8s\.delete-pods\n\*Blast radius\*/);
  });

  it('while measuring, shows the deadline, what it sees now and the timeline, and keeps Abort', () => {
    const reply = renderDrillMessage(
      podKill({
        state: 'measuring',
        injectedAt: INJECTED,
        restoreDeadline: DEADLINE,
        progress: {
          timeline: [
            { at: INJECTED.toISOString(), event: 'fault run r_fault01 executing' },
            { at: at(0.8), event: 'fault injected: delete 2 pods' },
            { at: at(4.5), event: '2/3 pods ready' },
          ],
          legs: [],
          sloImpact: [],
          now: '2/3 pods ready',
        },
      }),
    );
    const texts = sections(reply);
    expect(texts[0]).toBe(
      ':test_tube: *Drill `pod-kill` on `checkout/prod`* · :stopwatch: fault injected, measuring recovery',
    );
    expect(texts[2]).toContain(
      'At the latest 5m after the fault (by <!date^1772618701^{date_short_pretty} {time}|2026-03-04 10:05 UTC>); *Abort* restores at once.',
    );
    expect(texts).toContain('*Now*: 2/3 pods ready');
    expect(texts).toContain(
      [
        '*Timeline*',
        '`+0.0s` fault run r_fault01 executing',
        '`+0.8s` fault injected: delete 2 pods',
        '`+4.5s` 2/3 pods ready',
      ].join('\n'),
    );
    expect(buttons(reply).map((b) => [b.action, b.value])).toEqual([
      [DRILL_ABORT_ACTION, 'd_0a1b2c3d4e5f'],
    ]);
    expect(reply.text).toBe('Drill pod-kill on checkout/prod: fault injected, measuring recovery');
  });

  it('while restoring, still shows progress but offers no Abort (the restore is under way)', () => {
    const reply = renderDrillMessage(
      podKill({
        state: 'restoring',
        injectedAt: INJECTED,
        restoreDeadline: DEADLINE,
        progress: {
          timeline: [{ at: at(300), event: 'restore deadline reached' }],
          legs: [],
          sloImpact: [],
          now: '2/3 pods ready',
        },
      }),
    );
    const texts = sections(reply);
    expect(texts[0]).toMatch(/· :arrows_counterclockwise: restoring$/);
    expect(texts).toContain('*Now*: 2/3 pods ready');
    expect(texts).toContain('*Timeline*\n`+300.0s` restore deadline reached');
    expect(buttons(reply)).toEqual([]);
  });

  it('finished and passed: measured recovery against the RTO and the evidence link, no buttons', () => {
    const reply = renderDrillMessage(podKill(finished(72)));
    const texts = sections(reply);
    expect(texts[0]).toBe(
      ':test_tube: *Drill `pod-kill` on `checkout/prod`* · :white_check_mark: *PASSED*',
    );
    expect(texts).toContain(
      [
        '*Result*',
        '• :white_check_mark: *PASSED*: Recovered in 1m12s, within the RTO of 2m.',
        '• Recovery: 1m12s (RTO 2m)',
        `• <${EVIDENCE}|Signed evidence>`,
      ].join('\n'),
    );
    // "Now" is live progress: gone once the drill is over.
    expect(shown(reply)).not.toContain('*Now*');
    expect(buttons(reply)).toEqual([]);
    expect(reply.text).toBe(
      'Drill pod-kill on checkout/prod: passed: Recovered in 1m12s, within the RTO of 2m.',
    );
  });

  it.each([
    [
      'over the RTO',
      185,
      '• :x: *FAILED*: Recovered in 3m5s, over the RTO of 2m.\n• Recovery: 3m5s (RTO 2m)',
    ],
    [
      'never recovered',
      null,
      '• :x: *FAILED*: Recovery was never observed before the deadline.\n• Recovery: not observed (RTO 2m)',
    ],
  ])(
    'finished and failed (%s): recovery vs RTO, SLO impact and the evidence link',
    (_, seconds, lines) => {
      const reply = renderDrillMessage(
        podKill(
          finished(seconds, {
            sloImpact: [
              {
                name: 'error-ratio',
                comparison: '<',
                threshold: 0.005,
                worst: 0.012345,
                breached: true,
                breachSeconds: 45,
                samples: 12,
              },
            ],
          }),
        ),
      );
      const texts = sections(reply);
      expect(texts[0]).toMatch(/· :x: \*FAILED\*$/);
      expect(texts).toContain(
        [
          '*Result*',
          lines,
          '• SLO `error-ratio` (< 0.005): worst 0.01235, breached for ~45s (12 samples)',
          `• <${EVIDENCE}|Signed evidence>`,
        ].join('\n'),
      );
      expect(buttons(reply)).toEqual([]);
    },
  );

  it('restore failed: RESTORE FAILED, the escaped problem, Retry restore and no Abort', () => {
    const plan = planFor('dependency-outage', 'staging');
    const problem = 'k8s.scale payments/staging: <403> Forbidden & no retry left';
    const verdict = judgeDrill({
      rtoSeconds: 180,
      recoverySeconds: null,
      legs: [],
      restored: false,
    });
    const drill = podKill({
      id: 'd_99aa88bb77cc',
      scenario: 'dependency-outage',
      env: 'staging',
      plan,
      state: 'restore_failed',
      outcome: 'restore-failed',
      injectedAt: INJECTED,
      restoreDeadline: DEADLINE,
      progress: { timeline: [], legs: [], sloImpact: [], problem },
      result: {
        drillId: 'd_99aa88bb77cc',
        scenario: 'dependency-outage',
        service: 'checkout',
        env: 'staging',
        outcome: verdict.outcome,
        startedAt: INJECTED.toISOString(),
        finishedAt: at(320),
        recoverySeconds: null,
        rtoSeconds: 180,
        requestedBy: 'U0ALICE',
        evidenceUrl: EVIDENCE,
        note: verdict.note,
      },
    });
    const reply = renderDrillMessage(drill);
    const texts = sections(reply);
    expect(texts[0]).toBe(
      ':test_tube: *Drill `dependency-outage` on `checkout/staging`* · :rotating_light: *RESTORE FAILED*: the fault may still be in place',
    );
    expect(texts[1]).toContain('• `payments/staging` has no pods for 5m: `checkout` loses it.');
    expect(texts[2]).toContain(
      '*Restore plan*: Scale the dependency back to the replica count it had before the drill.',
    );
    expect(texts[2]).toContain(
      '*Recovery*: every wanted pod of `payments/staging` ready again · RTO 3m',
    );
    // No Abort button here, so the restore plan does not offer it.
    expect(texts[2]).not.toContain('Abort');
    expect(texts).toContain(
      [
        '*Result*',
        '• :rotating_light: *RESTORE FAILED*: The restore failed: the fault may still be in place.',
        '• Recovery: not observed (RTO 3m)',
        `• <${EVIDENCE}|Signed evidence>`,
      ].join('\n'),
    );
    expect(texts).toContain(
      ':rotating_light: k8s.scale payments/staging: &lt;403&gt; Forbidden &amp; no retry left',
    );
    expect(buttons(reply)).toEqual([
      {
        action: DRILL_RETRY_ACTION,
        label: 'Retry restore',
        value: 'd_99aa88bb77cc',
        style: 'primary',
      },
    ]);
    expect(buttons(reply).map((b) => b.action)).not.toContain(DRILL_ABORT_ACTION);
    expect(reply.text).toBe(
      'Drill dependency-outage on checkout/staging: restore-failed: The restore failed: the fault may still be in place.',
    );
  });

  it('a Retry restore that worked: RESTORED on top, the recorded result kept, who restored it', () => {
    const failed = finished(null, { outcome: 'restore-failed', note: 'The restore failed.' });
    const reply = renderDrillMessage(
      podKill({
        ...failed,
        outcome: 'restore-failed',
        progress: {
          ...failed.progress!,
          restoredBy: 'U0BOB',
          restoredAt: at(400),
        },
      }),
    );
    const texts = sections(reply);
    expect(texts[0]).toBe(
      ':test_tube: *Drill `pod-kill` on `checkout/prod`* · :white_check_mark: *RESTORED* after a failed restore (the result stays :rotating_light: *RESTORE FAILED*)',
    );
    expect(texts.find((t) => t.startsWith('*Result*'))).toContain(
      `• Restored by <@U0BOB> at ${at(400)}`,
    );
    expect(texts[2]).not.toContain('Abort');
    expect(buttons(reply)).toEqual([]);
    expect(reply.text).toBe(
      'Drill pod-kill on checkout/prod: restore-failed, restored since: The restore failed.',
    );
  });

  it('a notice that the restore deadline passed names it in the reader’s time zone', () => {
    const notice = renderDrillNotice(podKill(), {
      kind: 'resumed-past-deadline',
      deadline: DEADLINE,
    });
    expect(notice.text).toContain(
      'its restore deadline (<!date^1772618701^{date_short_pretty} {time}|2026-03-04 10:05 UTC>) has passed',
    );
    expect(notice.text).not.toContain('2026-03-04T');
    expect(
      renderDrillNotice(podKill(), { kind: 'resumed-past-deadline', deadline: undefined }).text,
    ).toContain('its restore deadline has passed');
  });

  it('escapes the reason the requester typed (mrkdwn <, >, &)', () => {
    const reply = renderDrillMessage(
      podKill({ reason: 'game day <!channel> & <https://evil.example|click here>' }),
    );
    expect(contextText(reply)).toBe(
      'Requested by <@U0ALICE> · “game day &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;” · `d_0a1b2c3d4e5f`',
    );
    expect(shown(reply)).not.toContain('<!channel>');
    expect(shown(reply)).not.toContain('<https://evil.example');
  });

  it('keeps every section within Slack’s 3000 characters for a full timeline: the 10 latest events', () => {
    // 80 entries is as many as the runner keeps (TIMELINE_MAX).
    const timeline: TimelineEntry[] = Array.from({ length: 80 }, (_, i) => ({
      at: at(i),
      event: `sample ${i}: 2/3 pods ready, checkout-7d9f-${String(i).padStart(5, '0')} Pending (ContainerCreating) & waiting on <image pull>`,
    }));
    const reply = renderDrillMessage(
      podKill({
        ...finished(72),
        progress: { timeline, legs: [], sloImpact: [] },
        reason: 'x'.repeat(5000),
      }),
    );
    for (const text of sections(reply)) expect(text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(contextText(reply).length).toBeLessThanOrEqual(SECTION_LIMIT);
    const shownTimeline = sections(reply).find((t) => t.startsWith('*Timeline*'));
    const lines = shownTimeline?.split('\n').slice(1) ?? [];
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('_… 70 earlier events_');
    expect(lines[1]).toBe(
      '`+70.0s` sample 70: 2/3 pods ready, checkout-7d9f-00070 Pending (ContainerCreating) &amp; waiting on &lt;image pull&gt;',
    );
    expect(lines[10]).toMatch(/^`\+79\.0s` sample 79: /);
    expect(shownTimeline).not.toContain('sample 69:');
  });

  it('keeps every section within 3000 characters when each event is very long', () => {
    const timeline: TimelineEntry[] = Array.from({ length: 80 }, (_, i) => ({
      at: at(i),
      event: `could not read checkout (${i}): ${'HTTP 500 <body> & '.repeat(60)}`,
    }));
    const reply = renderDrillMessage(
      podKill({
        ...finished(null, { note: `The fault could not be measured: ${'x'.repeat(4000)}` }),
        progress: { timeline, legs: [], sloImpact: [] },
      }),
    );
    const texts = sections(reply);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    // The newest events are the ones kept; the cut says how many older ones it left out.
    const lines = texts.find((t) => t.startsWith('*Timeline*'))?.split('\n') ?? [];
    expect(lines.at(-1)).toMatch(/^`\+79\.0s` could not read checkout \(79\)/);
    const earlier = /^_… (\d+) earlier events_$/.exec(lines[1] ?? '');
    expect(Number(earlier?.[1])).toBe(80 - (lines.length - 2));
  });

  it('still shows the newest event, clipped, when it alone is longer than a section', () => {
    const timeline: TimelineEntry[] = [
      { at: at(1), event: 'fault injected: delete 2 pods' },
      { at: at(2), event: `could not read checkout: ${'<&>'.repeat(2000)}` },
    ];
    const reply = renderDrillMessage(
      podKill({ ...finished(72), progress: { timeline, legs: [], sloImpact: [] } }),
    );
    const text = sections(reply).find((t) => t.startsWith('*Timeline*')) ?? '';
    expect(text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    const lines = text.split('\n');
    expect(lines[1]).toBe('`+1.0s` fault injected: delete 2 pods');
    expect(lines[2]).toMatch(/^`\+2\.0s` could not read checkout: &lt;&amp;&gt;.*…$/);
    expect(lines).toHaveLength(3);
  });

  describe('renderDrillReport', () => {
    const results: DrillResult[] = [
      {
        drillId: 'd_111111111111',
        scenario: 'rollback-rehearsal',
        service: 'checkout',
        env: 'prod',
        outcome: 'passed',
        startedAt: '2026-03-04T10:10:00.000Z',
        finishedAt: '2026-03-04T10:12:30.000Z',
        recoverySeconds: 48,
        rtoSeconds: 900,
        requestedBy: 'U0ALICE',
        evidenceUrl: EVIDENCE,
        legs: [
          { name: 'roll back', seconds: 48, detail: 'rolled back' },
          { name: 'roll forward', seconds: null, detail: 'not timed' },
        ],
      },
      {
        drillId: 'd_222222222222',
        scenario: 'pod-kill',
        service: 'checkout',
        env: 'staging',
        outcome: 'failed',
        startedAt: '2026-03-03T09:00:00.000Z',
        finishedAt: '2026-03-03T09:10:05.000Z',
        recoverySeconds: null,
        rtoSeconds: 120,
        requestedBy: 'U0BOB',
      },
    ];

    it('lists each drill with its outcome, recovery time, RTO, legs and evidence link', () => {
      const reply = renderDrillReport({ results, service: 'checkout', sinceSeconds: 86_400 });
      expect(sections(reply)).toEqual([
        '*Drills of `checkout` in the last 24h*',
        [
          ':white_check_mark: `rollback-rehearsal` on `checkout/prod` <!date^1772619150^{date_short_pretty} {time}|2026-03-04 10:12 UTC>: *passed*, recovered in 48s (RTO 15m); roll back 48s, roll forward — · <https://mc.example.com/evidence/ev_7f3a|evidence>',
          ':x: `pod-kill` on `checkout/staging` <!date^1772529005^{date_short_pretty} {time}|2026-03-03 09:10 UTC>: *failed*, recovery not observed (RTO 2m)',
        ].join('\n'),
      ]);
      expect(contextText(reply)).toBe(
        "1 of 2 passed. The release gate's `drill-fresh` check counts passed drills only.",
      );
      expect(reply.text).toMatch(/^Drills of `checkout` in the last 24h\n:white_check_mark: /);
      expect(reply.text).not.toContain('*');
    });

    it('says a window of days in days, and escapes the usage placeholders', () => {
      const reply = renderDrillReport({
        results: [],
        service: 'checkout',
        sinceSeconds: 30 * 86_400,
      });
      expect(sections(reply)).toEqual([
        'No drills of checkout in the last 30d. Run one with `/mc drill &lt;scenario&gt; &lt;service&gt;`.',
      ]);
    });

    it('names every service when no service was asked for', () => {
      const reply = renderDrillReport({ results: results.slice(1), sinceSeconds: 3600 });
      expect(sections(reply)[0]).toBe('*Drills of every service in the last 1h*');
      expect(contextText(reply)).toMatch(/^0 of 1 passed\./);
    });

    it.each([
      ['checkout', 'No drills of checkout in the last 24h.'],
      [undefined, 'No drills of any service in the last 24h.'],
    ])('says plainly when there are none (service %s)', (service, sentence) => {
      const reply = renderDrillReport({ results: [], service, sinceSeconds: 86_400 });
      const texts = sections(reply);
      expect(texts).toHaveLength(1);
      expect(texts[0]?.startsWith(`${sentence} Run one with`)).toBe(true);
      expect(contextText(reply)).toBe('');
      expect(reply.text.startsWith(sentence)).toBe(true);
    });
  });
});
