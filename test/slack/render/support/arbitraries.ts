import fc from 'fast-check';
import type { Catalog } from '../../../../src/config/schema.ts';
import type { TriageFinding } from '../../../../src/findings/triage-finding.ts';
import type { Finding, FindingButton, Line } from '../../../../src/findings/types.ts';
import type { GateResult } from '../../../../src/gates/decide-gate.ts';

// Pieces of outside text: Slack control sequences, escapes, formatting, long words.
const PIECES = [
  '<!channel>',
  '<!here>',
  '<@U1>',
  '<@U01ALICE01>',
  '<!subteam^S01SRELEAD>',
  '<https://evil.example|https://x>',
  '&',
  '&amp;',
  '<',
  '>',
  '*',
  '_',
  '~',
  '`',
  '```',
  ':warning:',
  'word ',
  'rate(http_requests_total{status=~"5.."}[5m]) ',
  ' ',
  '\n',
  'é',
  '😀',
  'x'.repeat(60),
];

/** Outside text up to `max` characters (the reason cap is 500), never empty. */
export function text(max = 500): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 120 })
    .map((p) => `r${p.join('')}`.slice(0, max));
}

/** A slug (role, service, environment) of 1 to `max` characters. */
export function slug(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/), fc.integer({ min: 0, max }))
    .map(([s, n]) => `${s}${'r'.repeat(n)}`.slice(0, max));
}

const PROM_QUERY =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';
const link = fc.option(
  fc.constantFrom(
    `https://prometheus.example/graph?g0.expr=${encodeURIComponent(PROM_QUERY)}`,
    'https://mc.example/evidence/ev_1',
    'javascript:alert(1)',
  ),
  { nil: undefined },
);

const check = fc.record({
  checkId: fc.uuid(),
  title: text(80),
  status: fc.constantFrom('passed' as const, 'failed' as const, 'inconclusive' as const),
  value: fc.option(text(60), { nil: undefined }),
  reason: fc.oneof(
    text(),
    text(300).map((t) => `${PROM_QUERY} = 1234 is not < 300 ${t}`),
  ),
  link,
});

/** Gate results with at most 100 checks in all; gate names are unique, as validate demands. */
export const gateResults: fc.Arbitrary<GateResult[]> = fc
  .array(fc.array(check, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 40 })
  .map((gates) => {
    let left = 100;
    return gates.flatMap((checks, g) => {
      const kept = checks.slice(0, left);
      left -= kept.length;
      return kept.length > 0 ? [{ name: `G${g} ${'n'.repeat(g % 50)}`, checks: kept }] : [];
    });
  });

/** Up to 30 distinct sign-off roles, each as long as mc validate allows. */
export const roles = fc.uniqueArray(slug(242), { maxLength: 30, size: 'max' });

const inline: fc.Arbitrary<Line[number]> = fc.oneof(
  text(200),
  fc.record({ user: fc.constantFrom('U01ALICE01', 'not-a-user', '<!channel>') }),
  fc.record({ group: fc.constantFrom('S01SRELEAD', 'bad') }),
  fc.record({
    time: fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }),
  }),
  fc.record({ link: fc.constantFrom('https://mc.example/r/1', 'ftp://x'), text: text(80) }),
);
const line = fc.array(inline, { minLength: 1, maxLength: 6 });

const button = (i: number): fc.Arbitrary<FindingButton> =>
  fc.record(
    {
      actionId: fc.constant(`act.${i}`),
      text: text(120),
      value: fc.constant(`run-1|${i}`),
      style: fc.constantFrom('primary' as const, 'danger' as const),
      confirm: fc.record({ title: text(150), text: text(500), confirm: text(40), deny: text(40) }),
    },
    { requiredKeys: ['actionId', 'text', 'value'] },
  );
const buttons = fc
  .integer({ min: 0, max: 30 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => button(i))));

/** A run (or dry-run) finding as large as a long plan gets. */
export const runFinding: fc.Arbitrary<Finding> = fc.record({
  summary: text(),
  title: text(200),
  state: fc.constantFrom('awaiting_approval' as const, 'executing' as const, 'failed' as const),
  status: text(100),
  fields: fc.array(fc.record({ label: text(60), value: line }), { maxLength: 14 }),
  steps: fc.array(
    fc.record({
      number: fc.nat(99),
      action: slug(40),
      summary: text(),
      diff: fc.array(text(200), { maxLength: 40 }),
      affected: fc.option(text(), { nil: undefined }),
      warnings: fc.array(text(), { maxLength: 3 }),
      reversible: fc.boolean(),
      error: fc.option(text(), { nil: undefined }),
    }),
    { maxLength: 30 },
  ),
  progress: fc.option(text(), { nil: undefined }),
  problems: fc.array(line, { maxLength: 10 }),
  notes: fc.array(line, { maxLength: 15 }),
  buttons,
  links: fc.array(fc.record({ text: text(60), url: fc.constant('https://mc.example/e/1') }), {
    maxLength: 5,
  }),
  footer: line,
});

/** A triage finding of an incident with up to 500 alerts, every one shown as a signal line. */
export const triageFinding: fc.Arbitrary<TriageFinding> = fc.record({
  summary: text(),
  title: text(200),
  state: fc.constantFrom('open' as const, 'resolved' as const),
  status: text(100),
  fields: fc.array(fc.record({ label: text(60), value: line }), { maxLength: 12 }),
  signals: fc.array(line, { minLength: 1, maxLength: 500, size: 'max' }),
  moreSignals: fc.nat(1000),
  suggestions: fc.array(
    fc.record({
      rank: fc.nat(10),
      playbook: slug(60),
      title: text(120),
      score: fc.double({ min: 0, max: 1, noNaN: true }),
      reasons: fc.array(text(), { maxLength: 8 }),
    }),
    { maxLength: 10 },
  ),
  notes: fc.array(line, { maxLength: 15 }),
  buttons,
  footer: line,
});

/** A catalog with up to 40 services in up to 8 environments. */
export const catalog: fc.Arbitrary<Catalog> = fc
  .tuple(
    fc.uniqueArray(slug(80), { minLength: 1, maxLength: 8 }),
    fc.uniqueArray(slug(120), { minLength: 1, maxLength: 40 }),
    text(),
  )
  .map(
    ([envs, services, description]) =>
      ({
        defaults: { environment: envs[0]!, slackChannel: '#ops' },
        environments: Object.fromEntries(
          envs.map((e, i) => [
            e,
            {
              protected: i % 2 === 0,
              freeze: [
                { start: '2026-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reason: description },
              ],
            },
          ]),
        ),
        services: Object.fromEntries(
          services.map((s) => [
            s,
            {
              description,
              slackChannel: '#ops',
              pagerduty: { serviceId: 'PCHK7Q2' },
              prometheus: { selector: `{service="${s}"}` },
              slo: [{ name: 'avail', query: 'up', comparison: '>', threshold: 0.99, description }],
              dependencies: services.slice(0, 10),
              environments: Object.fromEntries(
                envs.map((e) => [
                  e,
                  {
                    context: `${e}-cluster`,
                    namespace: s.slice(0, 63),
                    workload: { kind: 'Deployment', name: s.slice(0, 63) },
                    container: 'app',
                  },
                ]),
              ),
            },
          ]),
        ),
        roles: {},
      }) as unknown as Catalog,
  );
