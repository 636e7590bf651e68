import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFreeze } from '../../../src/domain/deploys/freeze.ts';
import { runFinding } from '../../../src/findings/index.ts';
import { statusFindings } from '../../../src/findings/status.ts';
import { reasonWithLink } from '../../../src/slack/render/gate-rows.ts';
import { renderFinding } from '../../../src/slack/render/run-message.ts';
import { renderRunRefusal } from '../../../src/slack/render/run-refusal.ts';
import {
  botTextWithDates,
  mrkdwnWithDates,
  textWithDates,
} from '../../../src/slack/render/text-dates.ts';
import { planText } from '../../../src/slack/render/triage-message.ts';
import { tell } from '../../../src/slack/slack-call.ts';
import { isoInstant } from '../../../src/util/iso-instant.ts';
import { makeView, NOW, ROLLBACK_PLAN } from '../../support/runs-views.ts';
import { visibleText } from '../../support/slack.ts';

const LIFTS = new Date('2027-01-05T09:00:00Z');
const START = new Date('2026-12-21T00:00:00Z');
const FREEZE = { env: 'prod', start: START, end: LIFTS, liftsAt: LIFTS, reason: 'Year-end' };
const token = (at: Date, fallback: string) =>
  `<!date^${at.getTime() / 1000}^{date_short_pretty} {time}|${fallback}>`;
const LIFTS_TOKEN = token(LIFTS, '2027-01-05 09:00 UTC');
const START_TOKEN = token(START, '2026-12-21 00:00 UTC');
// A date or clock time left as raw text (checked once the date tokens are taken out).
const RAW_TIME = /\d{4}-\d{2}-\d{2}|\d{2}:\d{2}/;

describe('src/slack/render/text-dates', () => {
  it('turns ISO instants into date tokens and escapes the rest like outside text', () => {
    expect(textWithDates('<!channel> until 2027-01-05T09:00:00Z & then')).toBe(
      `&lt;!channel&gt; until ${LIFTS_TOKEN} &amp; then`,
    );
    expect(textWithDates('at 2027-01-05T09:00Z, 2027-01-05T09:00:00.000Z')).toBe(
      `at ${LIFTS_TOKEN}, ${LIFTS_TOKEN}`,
    );
    // Not a moment: left as written.
    expect(textWithDates('build 2027-13-45T99:99:00Z')).toBe('build 2027-13-45T99:99:00Z');
    expect(botTextWithDates('<@U01ALICE01> <!here> 2027-01-05T09:00:00Z')).toBe(
      `<@U01ALICE01> &lt;!here&gt; ${LIFTS_TOKEN}`,
    );
    expect(mrkdwnWithDates('*gate* is waived by <@U01ALICE01> until 2027-01-05T09:00:00Z.')).toBe(
      `*gate* is waived by <@U01ALICE01> until ${LIFTS_TOKEN}.`,
    );
  });

  it('any text around an instant: the instant becomes a token, nothing else can ping or link', () => {
    const moments = fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(fc.string(), moments, fc.string(), (before, at, after) => {
        const shown = textWithDates(`${before} ${isoInstant(at)} ${after}`);
        const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
        expect(shown).toContain(
          ` ${token(whole, `${whole.toISOString().slice(0, 16).replace('T', ' ')} UTC`)} `,
        );
        // Every `<` left is a date token's: no mention, broadcast or link gets through.
        expect(
          shown.replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]+>/g, ''),
        ).not.toMatch(/[<>]/);
      }),
      { numRuns: 200 },
    );
  });

  it('a freeze refusal names its window in the reader’s time zone', () => {
    const reply = renderRunRefusal({ message: `${describeFreeze(FREEZE)}. Deploys are refused.` });
    const text = visibleText(reply as unknown as Record<string, unknown>);
    expect(text).toContain(
      `\`prod\` is frozen until ${LIFTS_TOKEN} (Year-end; since ${START_TOKEN})`,
    );
    expect(text.replace(/<!date\^[^>]+>/g, '')).not.toMatch(RAW_TIME);
  });

  it('a freeze gate check and the status freeze field show date tokens', () => {
    expect(
      reasonWithLink('pod-kill passed at 2027-01-05T09:00:00.000Z (RTO 900 s)', undefined),
    ).toBe(`pod-kill passed at ${LIFTS_TOKEN} (RTO 900 s)`);
    // A reason quoting the query its graph link carries: the quote becomes the link.
    const query = 'sum(rate(errors_total[5m]))';
    const link = `https://prom.example/graph?g0.expr=${encodeURIComponent(query)}`;
    expect(reasonWithLink(`since 2027-01-05T09:00:00Z ${query} = 0.3`, link)).toBe(
      `since ${LIFTS_TOKEN} <${link}|query> = 0.3`,
    );
    expect(reasonWithLink(describeFreeze(FREEZE), undefined)).toBe(
      `\`prod\` is frozen until ${LIFTS_TOKEN} (Year-end; since ${START_TOKEN})`,
    );
    const [finding] = statusFindings({
      service: 'checkout',
      description: 'Checkout',
      at: NOW,
      environments: [
        {
          env: 'prod',
          protected: true,
          workload: { ok: false, unavailable: 'no cluster' },
          rollout: { ok: false, unavailable: 'no cluster' },
          runs: { ok: true, value: [] },
          lastDeploy: { ok: true, value: undefined },
          freeze: FREEZE,
        },
      ],
    });
    const reply = renderFinding(finding!);
    expect(visibleText(reply as unknown as Record<string, unknown>)).toContain(
      `*Change freeze*\nuntil ${LIFTS_TOKEN}: Year-end`,
    );
  });

  it('a step’s summary, warnings, progress and error show their moments as date tokens', () => {
    const plan = {
      ...ROLLBACK_PLAN,
      summary: 'silence `{service="checkout"}` until 2027-01-05T09:00:00Z',
      warnings: ['a silence by <@U01ALICE01> already ends 2027-01-05T09:00:00Z'],
    };
    const view = makeView({
      plans: [plan],
      steps: [{ plan: plan.summary, state: 'failed', error: 'expired at 2027-01-05T09:00:00Z' }],
      progress: 'waiting until 2027-01-05T09:00:00Z',
    });
    const text = visibleText(
      renderFinding(runFinding(view, NOW)) as unknown as Record<string, unknown>,
    );
    expect(text).toContain(`silence \`{service="checkout"}\` until ${LIFTS_TOKEN}`);
    expect(text).toContain(
      `:warning: a silence by &lt;@U01ALICE01&gt; already ends ${LIFTS_TOKEN}`,
    );
    expect(text).toContain(`:x: expired at ${LIFTS_TOKEN}`);
    expect(text).toContain(`:hourglass: waiting until ${LIFTS_TOKEN}`);
  });

  it('a triage plan’s note step shows the deploy time as a date token', () => {
    const text = planText({
      playbook: 'deploy-regression',
      title: 'Roll back the deploy',
      score: 190,
      notifyOnly: false,
      steps: [
        {
          number: 1,
          action: 'pagerduty.note',
          params: 'incidentId=P1 content=mc: rolling back (deployed at 2027-01-05T09:00:00Z).',
        },
      ],
      skipped: [],
      missing: [],
      evidence: [],
    });
    expect(text).toContain(`content=mc: rolling back (deployed at ${LIFTS_TOKEN}).`);
    expect(text.replace(/<!date\^[^>]+>/g, '')).not.toMatch(RAW_TIME);
  });

  it('a one-line answer (a waiver refused) shows its moment as a date token', async () => {
    const sent: { text: string; blocks: unknown[] }[] = [];
    await tell(
      { respond: async (reply) => void sent.push(reply as (typeof sent)[number]) },
      '*Prod gate* is already waived by <@U01ALICE01> until 2027-01-05T09:00:00Z.',
    );
    expect(visibleText(sent[0] as unknown as Record<string, unknown>)).toBe(
      `*Prod gate* is already waived by <@U01ALICE01> until ${LIFTS_TOKEN}.`,
    );
  });
});
