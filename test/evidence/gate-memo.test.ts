import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { renderEvidencePage } from '../../src/evidence/http/render-evidence-page.ts';
import type { MemoManifest } from '../../src/evidence/http/schema.ts';
import { canonicalJson } from '../../src/evidence/ledger/canonical-entry.ts';
import type { EvidenceRecord } from '../../src/evidence/read-evidence.ts';
import type { GateManifest } from '../../src/gates/gate-manifest.ts';
import { gateManifest } from './support/gate-manifest.ts';

const XSS = '<script>alert("pwned")</script>';

// Compile-time: every GateManifest the gate records is something the memo reads.
const _contract: (m: GateManifest) => z.input<typeof MemoManifest> = (m) => m;

function record(body: unknown, kind = 'gate.decision'): EvidenceRecord {
  const id = 'ev_memomemomemomemo';
  const document = canonicalJson({
    id,
    kind,
    subject: 'release:checkout:v1.4.2',
    summary: 'GO for checkout v1.4.2 → prod',
    actor: 'U0RELEASE',
    recordedAt: '2025-05-01T10:00:00.000Z',
    ledgerSeq: 42,
    body,
  });
  return {
    id,
    url: `https://mc.example.com/evidence/${id}`,
    kind,
    subject: 'release:checkout:v1.4.2',
    summary: 'GO for checkout v1.4.2 → prod',
    actor: 'U0RELEASE',
    recordedAt: '2025-05-01T10:00:00.000Z',
    document,
    digest: createHash('sha256').update(document).digest('hex'),
    bundle: '{}',
    ledgerSeq: 42,
  };
}

const page = (body: unknown, kind?: string) =>
  renderEvidencePage(record(body, kind), {
    publicUrl: 'https://mc.example.com',
    keyHint: 'k'.repeat(64),
    // What users.info told the bot; U0SRE and U0RM it could not name.
    names: { U0QA: 'Erin QA' },
  });

/** The memo section alone, so assertions cannot be met by the raw document below it. */
function memoOf(html: string): string {
  const start = html.indexOf('<section class="memo"');
  expect(start).toBeGreaterThan(-1);
  const memo = html.slice(start, html.indexOf('</section>', start));
  expect(html.indexOf('<h2>Document</h2>')).toBeGreaterThan(start);
  return memo;
}

describe('src/evidence/http/render-gate-memo', () => {
  const go = gateManifest({
    decision: 'GO',
    headline: '3/4 gates passed, 1 waived: Observability',
    gates: gateManifest().gates.map((g) =>
      g.name === 'Supply chain'
        ? {
            ...g,
            status: 'passed',
            checks: g.checks.map((c) => ({ ...c, status: 'passed', reason: 'signed by CI' })),
          }
        : g.name === 'Observability'
          ? { ...g, status: 'waived' }
          : g,
    ),
    waivers: [
      {
        gate: 'Observability',
        by: 'U0SRE',
        reason: 'dashboards migrate tonight',
        at: '2025-05-01T09:59:00.000Z',
        expiresAt: '2025-05-02T09:59:00.000Z',
      },
    ],
    signOffs: [
      {
        role: 'qa-lead',
        by: 'U0QA',
        at: '2025-05-01T09:59:30.000Z',
        comment: 'regression suite green on rc.2',
      },
      { role: 'release-manager', by: 'U0RM', at: '2025-05-01T09:59:45.000Z', comment: null },
    ],
    missingRoles: [],
    changes: [
      {
        runId: 'r_abcdefghijkl',
        verb: 'deploy',
        env: 'staging',
        summary: 'ghcr.io/acme/checkout:v1.4.1 → ghcr.io/acme/checkout:v1.4.2',
        by: 'U0ALICE',
        at: '2025-04-30T15:00:00.000Z',
        outcome: 'succeeded',
        ledgerSeq: 17,
      },
    ],
  });

  it('puts the memo above the document: decision, headline, changes, gates, waivers, rollback, sign-offs', () => {
    const memo = memoOf(page(go));
    expect(memo).toContain('Go/No-Go: checkout v1.4.2 → prod');
    expect(memo).toContain('<p class="decision go">GO</p>');
    expect(memo).toContain('<strong>3/4 gates passed, 1 waived: Observability</strong>');
    expect(memo).toContain('Standard release gate (<code>standard</code>)');
    expect(memo).toContain('<code>app</code>: <code>ghcr.io/acme/checkout:v1.4.1</code>');
    // Changes.
    expect(memo).toContain('<td><code>r_abcdefghijkl</code></td><td>deploy</td><td>staging</td>');
    expect(memo).toContain('ghcr.io/acme/checkout:v1.4.1 → ghcr.io/acme/checkout:v1.4.2');
    expect(memo).toContain('<span class="s-succeeded">succeeded</span>');
    // Every gate, with its checks, values and links.
    for (const gate of ['SLOs', 'Supply chain', 'Observability', 'Resilience']) {
      expect(memo).toContain(`<td>${gate}</td>`);
    }
    expect(memo).toContain('Error rate under 1%: <span class="s-passed">passed</span> (0.42%)');
    expect(memo).toContain(
      '<a href="https://prometheus.example.com/graph?g0.expr=errors">details</a>',
    );
    // Waivers, and the inconclusive check under the waiver as a risk.
    expect(memo).toContain(
      '<td>Observability</td><td>Slack user <code>U0SRE</code></td><td>dashboards migrate tonight</td>',
    );
    // One ISO format with its zone, to the second, for every time on the page.
    expect(memo).toContain('<time datetime="2025-05-02T09:59:00Z">2025-05-02T09:59:00Z</time>');
    expect(memo).not.toMatch(/\d\.\d{3}Z/);
    expect(memo).toMatch(
      /<li>Observability \(.*waived.*\): Dashboards exist, .*inconclusive.*: Grafana timed out<\/li>/,
    );
    // Rollback plan.
    expect(memo).toContain('/mc rollback checkout --env prod');
    expect(memo).toContain('Revision: 7');
    // Sign-offs.
    expect(memo).toContain('<td>qa-lead</td><td>Erin QA (<code>U0QA</code>)</td>');
    expect(memo).toContain('regression suite green on rc.2');
    expect(memo).toContain('<td>release-manager</td><td>Slack user <code>U0RM</code></td>');
    expect(memo).toContain('Every required role signed.');
    // The footer ties a printed memo to the signed record.
    expect(memo).toContain('ev_memomemomemomemo');
    expect(memo).toContain('ledger seq 42');
    expect(memo).toContain('@media print');
  });

  it('shows a NO-GO in red with its risks, missing roles and no changes', () => {
    const memo = memoOf(page(gateManifest()));
    expect(memo).toContain('<p class="decision nogo">NO-GO</p>');
    expect(memo).toContain('No changes since the last release decision.');
    expect(memo).toContain('No waivers.');
    expect(memo).toContain('Image is signed, <span class="s-failed">failed</span>');
    expect(memo).toContain(
      'Missing sign-offs: <strong>qa-lead</strong>, <strong>release-manager</strong>',
    );
    expect(memo).toContain('No sign-offs.');
    expect(memoOf(page(gateManifest({ decision: 'PENDING' })))).toContain(
      '<p class="decision pending">PENDING</p>',
    );
  });

  it('escapes every value and links only http(s) URLs', () => {
    const hostile = gateManifest({
      headline: `headline ${XSS}`,
      gates: [
        {
          name: `gate ${XSS}`,
          status: 'failed',
          checks: [
            {
              id: 'x',
              title: 'check',
              status: 'failed',
              value: XSS,
              reason: `reason ${XSS}`,
              link: 'javascript:alert(1)',
            },
          ],
        },
      ],
      waivers: [{ gate: 'g', by: XSS, reason: XSS, at: XSS, expiresAt: '" onmouseover="x' }],
      drillEvidence: ['javascript:alert(2)'],
    });
    const html = page(hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('" onmouseover');
    const memo = memoOf(html);
    expect(memo).toContain('reason &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(memo).toContain('gate &lt;script&gt;');
    expect(memo).toContain('javascript:alert(1)');
  });

  it.each([
    ['a body that is not a manifest', { note: 'hello' }, 'gate.decision'],
    [
      'a manifest with an unknown decision',
      { ...gateManifest(), decision: 'MAYBE' },
      'gate.decision',
    ],
    ['a manifest recorded under another kind', gateManifest(), 'run'],
  ])('falls back to the plain page for %s', (_name, body, kind) => {
    const html = page(body, kind);
    expect(html).not.toContain('class="memo"');
    expect(html).toContain('<h2>Document</h2>');
    expect(html).toContain('Evidence <code>ev_memomemomemomemo</code>');
  });
});
