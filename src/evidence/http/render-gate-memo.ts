import type { EvidenceRecord } from '../read-evidence.ts';
import { escapeHtml as e, isoTime, type PeopleNames, personHtml } from './html.ts';
import { MemoManifest } from './schema.ts';

/** The manifest in a `gate.decision` document, or null when the body is not shaped like one. */
export function gateMemoFromDocument(document: string): MemoManifest | null {
  try {
    const parsed = MemoManifest.safeParse((JSON.parse(document) as { body?: unknown }).body);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const DECISION_CLASS = { GO: 'go', 'NO-GO': 'nogo', PENDING: 'pending' } as const;

// Small on purpose: colours for the decision and statuses, tables, and a print layout that
// keeps only the memo (its footer carries the evidence id and digest).
const MEMO_CSS = `<style>
.memo{border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.5rem;margin:1.5rem 0}
.memo table{border-collapse:collapse;width:100%;margin:.5rem 0}
.memo th,.memo td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.memo ul{margin:.2rem 0;padding-left:1.2rem}
.memo .decision{display:inline-block;font-size:2.5rem;font-weight:800;padding:.1rem 1rem;border-radius:6px;color:#fff;margin:.3rem 0}
.memo .go{background:#1a7f37}.memo .nogo{background:#cf222e}.memo .pending{background:#9a6700}
.memo .s-passed{color:#1a7f37}.memo .s-failed{color:#cf222e}.memo .s-inconclusive,.memo .s-waived{color:#9a6700}
.memo .s-passed,.memo .s-failed,.memo .s-inconclusive,.memo .s-waived{font-weight:600}
.memo footer{font-size:.85rem;color:#57606a;margin-top:1rem}
@media print{body>:not(.memo){display:none}.memo{border:0;margin:0;padding:0}
.memo *{print-color-adjust:exact;-webkit-print-color-adjust:exact}.memo tr,.memo li{break-inside:avoid}.memo h3{break-after:avoid}}
</style>`;

const time = isoTime;

const status = (text: string) => `<span class="s-${e(text)}">${e(text)}</span>`;

/** A link only for http(s) URLs: anything else (javascript:, data:) is shown as text. */
function link(url: string | null | undefined, label = url ?? ''): string {
  if (!url) return '';
  return /^https?:\/\//i.test(url) ? `<a href="${e(url)}">${e(label)}</a>` : e(url);
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function changes(m: MemoManifest, names: PeopleNames): string {
  if (m.changes.length === 0) return '<p>No changes since the last release decision.</p>';
  return table(
    ['Run', 'Kind', 'Env', 'Change', 'By', 'At', 'Outcome'],
    m.changes.map((c) => [
      `<code>${e(c.runId)}</code>`,
      e(c.verb),
      e(c.env),
      e(c.summary),
      personHtml(c.by, names),
      time(c.at),
      status(c.outcome),
    ]),
  );
}

function gates(m: MemoManifest): string {
  return table(
    ['Gate', 'Status', 'Checks'],
    m.gates.map((g) => [
      e(g.name),
      status(g.status),
      `<ul>${g.checks
        .map(
          (c) =>
            `<li>${e(c.title)}: ${status(c.status)}${c.value ? ` (${e(c.value)})` : ''}${c.reason ? `: ${e(c.reason)}` : ''}${c.link ? ` ${link(c.link, 'details')}` : ''}</li>`,
        )
        .join('')}</ul>`,
    ]),
  );
}

function waiversAndRisks(m: MemoManifest, names: PeopleNames): string {
  const waivers =
    m.waivers.length === 0
      ? '<p>No waivers.</p>'
      : table(
          ['Gate', 'Waived by', 'Reason', 'At', 'Expires'],
          m.waivers.map((w) => [
            e(w.gate),
            personHtml(w.by, names),
            e(w.reason),
            time(w.at),
            time(w.expiresAt),
          ]),
        );
  const risks = m.gates.flatMap((g) =>
    g.checks
      .filter((c) => c.status === 'failed' || c.status === 'inconclusive')
      .map(
        (c) =>
          `<li>${e(g.name)} (${status(g.status)}): ${e(c.title)}, ${status(c.status)}${c.reason ? `: ${e(c.reason)}` : ''}</li>`,
      ),
  );
  const riskList =
    risks.length === 0
      ? '<p>No failed or inconclusive checks.</p>'
      : `<p>Failed or inconclusive checks:</p><ul>${risks.join('\n')}</ul>`;
  return `${waivers}\n${riskList}`;
}

function rollback(m: MemoManifest): string {
  const plan = m.rollbackPlan;
  if (!plan) return '<p>No rollback plan recorded.</p>';
  const images = Object.entries(plan.images).map(
    ([container, image]) => `<li><code>${e(container)}</code>: <code>${e(image)}</code></li>`,
  );
  return `<p>${e(plan.summary)}</p>
<p>Revision: ${plan.revision === null || plan.revision === undefined ? 'none' : e(String(plan.revision))}</p>
${images.length > 0 ? `<ul>${images.join('')}</ul>` : ''}`;
}

function signatures(m: MemoManifest, names: PeopleNames): string {
  const signed =
    m.signOffs.length === 0
      ? '<p>No sign-offs.</p>'
      : table(
          ['Role', 'Signed by', 'At', 'Comment'],
          m.signOffs.map((s) => [
            e(s.role),
            personHtml(s.by, names),
            time(s.at),
            e(s.comment ?? ''),
          ]),
        );
  const missing =
    m.missingRoles.length === 0
      ? '<p>Every required role signed.</p>'
      : `<p>Missing sign-offs: ${m.missingRoles.map((r) => `<strong>${e(r)}</strong>`).join(', ')}</p>`;
  return `<p>Decision <strong>${e(m.decision)}</strong>${m.decidedAt ? ` at ${time(m.decidedAt)}` : ''}${m.requestedBy ? `, gate requested by ${personHtml(m.requestedBy, names)}` : ''}.</p>
${signed}
${missing}`;
}

/**
 * The one-page Go/No-Go memo of a `gate.decision` record: release, decision and headline,
 * changes, gates, waivers and risks, rollback plan, sign-offs. Every value is escaped and
 * only http(s) links are made clickable.
 */
export function renderGateMemo(
  m: MemoManifest,
  record: Pick<EvidenceRecord, 'id' | 'digest' | 'ledgerSeq'>,
  options: { keyHint: string; names?: PeopleNames },
): string {
  const names = options.names ?? {};
  const { release } = m;
  const set = release.gateSetTitle
    ? `${e(release.gateSetTitle)} (<code>${e(release.gateSet)}</code>)`
    : `<code>${e(release.gateSet)}</code>`;
  const artifacts = m.artifacts.map(
    (a) => `<code>${e(a.container)}</code>: <code>${e(a.image)}</code>`,
  );
  const drills = m.drillEvidence.map((url) => `<li>${link(url)}</li>`);
  return `<section class="memo" aria-label="Go/No-Go memo">
${MEMO_CSS}
<h2>Go/No-Go: ${e(release.service)} ${e(release.version)} → ${e(release.env)}</h2>
<p class="decision ${DECISION_CLASS[m.decision]}">${e(m.decision)}</p>
<p><strong>${e(m.headline)}</strong></p>
<dl>
<dt>Service</dt><dd>${e(release.service)}</dd>
<dt>Version</dt><dd>${e(release.version)}</dd>
<dt>Environment</dt><dd>${e(release.env)}</dd>
<dt>Gate set</dt><dd>${set}</dd>
${release.gateId ? `<dt>Evaluation</dt><dd><code>${e(release.gateId)}</code>, evaluated ${time(m.evaluatedAt)}</dd>` : ''}
${artifacts.length > 0 ? `<dt>Artifacts</dt><dd>${artifacts.join('<br>')}</dd>` : ''}
</dl>
<h3>Changes since the last release decision</h3>
${changes(m, names)}
<h3>Gates</h3>
${gates(m)}
<h3>Waivers and risks</h3>
${waiversAndRisks(m, names)}
<h3>Rollback plan</h3>
${rollback(m)}
<h3>Decision and signatures</h3>
${signatures(m, names)}
${drills.length > 0 ? `<h3>Drill evidence</h3>\n<ul>${drills.join('')}</ul>` : ''}
<footer>Signed evidence <code>${e(record.id)}</code>, document sha256 <code>${e(record.digest)}</code>, ledger seq ${e(String(record.ledgerSeq))}, key <code>${e(options.keyHint)}</code>.</footer>
</section>`;
}
