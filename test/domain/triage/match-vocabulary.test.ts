import { describe, expect, it } from 'vitest';
import { TriagePlaybook } from '../../../src/domain/playbooks/schema.ts';
import { matchPlaybook } from '../../../src/domain/triage/match-playbook.ts';
import { alert, page, t } from './world.ts';

/** A notify-only playbook with the given match rules. */
function playbook(match: Record<string, unknown>) {
  return TriagePlaybook.parse({
    id: 'test',
    kind: 'triage',
    title: 'Test',
    description: 'Test.',
    match,
    notifyOnly: true,
    evidence: [{ title: 'Up', query: 'up' }],
  });
}

const context = { deploys: [], firstSignalAt: t('03:00') };
const link = (expr: string) =>
  `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

describe('domain/triage/match-vocabulary', () => {
  it('matches the metric in the expression, whatever the alert is called, and says so', () => {
    const p = playbook({ metrics: ['hikaricp_connections_pending', 'pgbouncer_pools_*'] });
    const s = alert('a1', 'OrdersDbWaiting', '03:00', {
      link: link('sum(hikaricp_connections_pending{pool="orders"}) > 5'),
    });
    const m = matchPlaybook(p, [s], context);
    expect(m.primary).toBe(true);
    expect(m.matched).toEqual([
      {
        rule: 'metrics',
        weight: 40,
        reasons: ["metric `hikaricp_connections_pending` in the alert's expression"],
      },
    ]);
    const other = alert('a2', 'OrdersDbWaiting', '03:00', { link: link('up == 0') });
    expect(matchPlaybook(p, [other], context).primary).toBe(false);
  });

  it('matches words of the annotations and quotes them', () => {
    const p = playbook({ text: '(?i)connection refused|circuit breaker' });
    const s = alert('a1', 'CheckoutCallsFailing', '03:00', {
      annotations: { description: 'Calls to ledger fail: Connection refused (ECONNREFUSED)' },
    });
    expect(matchPlaybook(p, [s], context).matched).toEqual([
      { rule: 'text', weight: 40, reasons: ['`CheckoutCallsFailing` says "Connection refused"'] },
    ]);
  });

  it('names the words a regex matched, not the regex', () => {
    const p = playbook({ alerts: ['/^(?!.*Systemd).*(crash.?loop)/i'] });
    const m = matchPlaybook(p, [alert('a1', 'KubernetesPodCrashLooping', '03:00')], context);
    expect(m.matched[0]?.reasons).toEqual([
      'alert `KubernetesPodCrashLooping` matched on "CrashLoop"',
    ]);
    const systemd = alert('a2', 'NodeSystemdServiceCrashlooping', '03:00');
    expect(matchPlaybook(p, [systemd], context).primary).toBe(false);
  });

  it.each([
    ['502s on checkout since 10:05', '502s'],
    ['Checkout returning 5xx to mobile clients', '5xx'],
    ['HTTP 500s from the authorise endpoint', 'HTTP 5'],
  ])('reads the PagerDuty title "%s" as server errors', (title, words) => {
    const p = playbook({
      pagerduty: { title: '(?i)\\b5(\\d\\d|xx)s?\\b|http 5|error rate|internal server error' },
    });
    const m = matchPlaybook(p, [page('P1', title, '03:00')], context);
    expect(m.matched[0]?.reasons[0]).toContain(`matched "${words}"`);
  });
});
