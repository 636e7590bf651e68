import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../src/adapters/prometheus/create-prometheus-client.ts';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import { deploySignal } from '../../src/domain/triage/deploy-signal.ts';
import type { Incident } from '../../src/domain/triage/schema.ts';
import { triageFinding } from '../../src/findings/triage-finding.ts';
import { otherSuggestions } from '../../src/findings/triage-plan.ts';
import type { TriageView } from '../../src/findings/triage-subject.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import {
  renderOtherSuggestions,
  renderTriageMessage,
} from '../../src/slack/render/triage-message.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { applyToPartition, rankIncident } from '../../src/triage/apply-signals.ts';
import {
  type ConditionCheckerOptions,
  createConditionChecker,
} from '../../src/triage/check-conditions.ts';
import { alert } from '../domain/triage/world.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';
import { loadRepoConfig } from '../support/slack.ts';

const PROMETHEUS = requireBinary('prometheus');
const log = createLogger({ level: 'silent' });
const NOW = new Date('2026-11-22T03:30:00Z');

/** Everything a block says, as one text. */
function said(blocks: unknown[]): string {
  return JSON.stringify(blocks).replace(/\\n/g, '\n');
}

describe.skipIf(!PROMETHEUS)('triage/check-conditions against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: TestPrometheus;
  let playbooks: Playbook[];
  let incident: Incident;

  beforeAll(async () => {
    playbooks = (await loadRepoConfig()).playbooks;
    exporter = await startTestExporter();
    // 1 error in 2,500 requests: a 5xx ratio of 0.0004, well under deploy-regression's 0.01.
    exporter.setRate('checkout', { ok: 2499, error: 1 });
    prom = await startPrometheus({ binary: PROMETHEUS, scrapeTargets: [exporter.target] });
    // A crash loop on checkout/prod 4 min after a deploy: deploy-regression fits by its rules.
    const outcome = applyToPartition({
      incidents: [],
      deploys: [
        deploySignal({
          service: 'checkout',
          env: 'prod',
          from: '1.4.1',
          to: '1.4.2',
          by: 'alice',
          at: '2026-11-22T03:10:00.000Z',
        }),
      ],
      signals: [alert('fp-crash', 'KubePodCrashLooping', '03:14')],
    });
    incident = outcome.changed[0]!.incident;
  }, 60_000);
  afterAll(async () => {
    await prom?.close();
    await exporter?.close();
  });

  const rank = async (prometheus: ConditionCheckerOptions['prometheus']) => {
    const check = createConditionChecker({ playbooks, prometheus, clock: () => NOW, cacheMs: 0 });
    const fit = rankIncident(incident, playbooks, NOW)
      .candidates.filter((c) => c.eligible)
      .map((c) => c.playbook);
    return rankIncident(incident, playbooks, NOW, await check(incident, fit));
  };
  /** Ranks until `done` holds: Prometheus needs two scrapes before a rate has a value. */
  const rankUntil = async (done: (view: TriageView) => boolean) => {
    const client = createPrometheusClient({ url: prom.url, timeoutMs: 2_000, log });
    for (let i = 0; i < 80; i += 1) {
      const view = await rank(client);
      if (done(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the condition never reached the expected state');
  };
  const message = (view: TriageView) =>
    said(
      renderTriageMessage(
        triageFinding({ id: 'inc-7', state: 'open', incident, triage: view, version: 1, runs: [] }),
      ).blocks,
    );

  it('demotes a suggestion whose condition does not hold, with the measured value', async () => {
    const view = await rankUntil((v) =>
      v.candidates.some((c) => c.playbook === 'deploy-regression' && c.check?.status === 'fails'),
    );
    const regression = view.candidates.find((c) => c.playbook === 'deploy-regression');
    expect(regression?.check).toMatchObject({
      status: 'fails',
      text: '5xx ratio is 0.0004, not > 0.01',
    });
    expect(view.suggestions.map((s) => s.playbook)).not.toContain('deploy-regression');
    expect(view.suggestions[0]?.playbook).toBe('pod-crashloop');
    const others = said(
      renderOtherSuggestions(
        'inc-7',
        otherSuggestions({
          id: 'inc-7',
          state: 'open',
          incident,
          triage: view,
          version: 1,
          runs: [],
        }),
      ).blocks,
    );
    expect(others).toContain(
      'not suggested: its condition does not hold: 5xx ratio is 0.0004, not &gt; 0.01',
    );
  }, 30_000);

  it('offers it first, with the value, once the condition holds', async () => {
    exporter.setRate('checkout', { ok: 50, error: 50 });
    const view = await rankUntil((v) => v.suggestions[0]?.check?.status === 'holds');
    expect(view.suggestions[0]?.playbook).toBe('deploy-regression');
    expect(view.suggestions[0]?.check?.text).toMatch(/^5xx ratio is 0\.\d+ \(> 0\.01\)$/);
    expect(message(view)).toMatch(
      /:white_check_mark: Condition holds: 5xx ratio is 0\.\d+ \(&gt; 0\.01\)/,
    );
  }, 30_000);

  it.each([
    [
      'unreachable',
      () => createPrometheusClient({ url: 'http://127.0.0.1:1', timeoutMs: 1_000, log }),
      /^5xx ratio not measured: could not evaluate the query: Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/,
    ],
    [
      'not configured',
      () => undefined,
      /5xx ratio not measured: Prometheus is not configured \(PROMETHEUS_URL is not set\)/,
    ],
  ])(
    'Prometheus %s: the suggestion stays, its condition unverified, never confirmed',
    async (_, client, why) => {
      const view = await rank(client());
      const top = view.suggestions[0];
      expect(top?.playbook).toBe('deploy-regression');
      expect(top?.check?.status).toBe('unverified');
      expect(top?.check?.text).toMatch(why);
      const text = message(view);
      expect(text).toContain(
        ':grey_question: Condition unverified, not confirmed: 5xx ratio not measured',
      );
      expect(text).not.toContain('Condition holds');
    },
  );
});
