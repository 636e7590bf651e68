import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load-config.ts';
import { planDrill } from '../../src/domain/drills/plan-drill.ts';
import type { DrillPlaybook } from '../../src/domain/playbooks/drill-schema.ts';
import type { Drill } from '../../src/drills/drill-store.ts';
import { escalateRestoreFailure } from '../../src/drills/escalate.ts';
import type { DrillDeps, DrillNotice } from '../../src/drills/types.ts';
import { renderDrillNotice } from '../../src/slack/render/drill-notice.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { loadRepoConfig } from '../support/slack.ts';

describe('drills/escalate', () => {
  let config: LoadedConfig;
  beforeAll(async () => {
    config = await loadRepoConfig();
  });

  /** A dependency-outage drill of checkout/staging whose restore failed, and what was said. */
  function failedDrill(pagerdutyFails: boolean) {
    const playbook = config.playbooks.find(
      (p): p is DrillPlaybook => p.kind === 'drill' && p.id === 'dependency-outage',
    );
    const planned = planDrill(playbook!, config.catalog, {
      service: 'checkout',
      env: 'staging',
      durationSeconds: 60,
    });
    if (!planned.ok) throw new Error(planned.message);
    const drill: Drill = {
      id: 'd_0a1b2c3d4e5f',
      scenario: 'dependency-outage',
      service: 'checkout',
      env: 'staging',
      requester: 'U0ALICE',
      incident: 'PINC01',
      plan: planned.plan,
      state: 'restore_failed',
      faultRun: 'r_fault01',
      createdAt: new Date('2026-03-04T10:00:00.000Z'),
      progress: { timeline: [], legs: [], sloImpact: [] },
    };
    const said: { text: string; loud: boolean }[] = [];
    const notes: string[] = [];
    const deps = {
      catalog: config.catalog,
      log: createLogger({ level: 'silent' }),
      announcer: {
        changed: async () => undefined,
        // What the thread shows: the Slack edge words each notice.
        say: async (d: Drill, notice: DrillNotice) => {
          said.push(renderDrillNotice(d, notice));
        },
      },
      pagerduty: {
        listOpenIncidents: async () => [],
        addNote: async (_: string, content: string) => {
          if (pagerdutyFails) throw new Error('PagerDuty said <503> & gave up');
          notes.push(content);
        },
      },
    } as unknown as DrillDeps;
    return { drill, deps, said, notes };
  }

  it('escapes the problem in the @here line; PagerDuty gets it as plain text', async () => {
    const { drill, deps, said, notes } = failedDrill(false);
    const problem = 'k8s.scale payments/staging: <!channel> & <https://evil.example|retry>';
    await escalateRestoreFailure(deps, drill, problem);
    const loud = said.find((s) => s.loud)?.text ?? '';
    expect(loud).toMatch(/^<!here> :rotating_light: \*Restore of drill `d_0a1b2c3d4e5f` FAILED\*/);
    expect(loud).toContain(
      'FAILED*: k8s.scale payments/staging: &lt;!channel&gt; &amp; &lt;https://evil.example|retry&gt;. The fault may',
    );
    expect(loud).not.toContain('<!channel>');
    expect(notes[0]).toContain(`restore FAILED: ${problem}.`);
    expect(said.at(-1)?.text).toBe('Noted on PagerDuty incident `PINC01`.');
  });

  it('escapes the PagerDuty error it reports in the thread', async () => {
    const { drill, deps, said } = failedDrill(true);
    await escalateRestoreFailure(deps, drill, 'scale refused');
    expect(said.at(-1)?.text).toBe(
      'Could not add a note to PagerDuty incident `PINC01`: Error: PagerDuty said &lt;503&gt; &amp; gave up',
    );
  });
});
