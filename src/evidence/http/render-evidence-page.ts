import type { EvidenceRecord } from '../read-evidence.ts';
import { GATE_DECISION_EVIDENCE } from '../release-subject.ts';
import { escapeHtml, htmlPage, isoTime, type PeopleNames, personHtml } from './html.ts';
import { gateMemoFromDocument, renderGateMemo } from './render-gate-memo.ts';

function prettyDocument(document: string): string {
  try {
    return JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    return document;
  }
}

/**
 * The page a person opens from Slack: what happened, who, when, and how to verify it offline.
 * A release decision (`gate.decision`) also gets its Go/No-Go memo above the raw document.
 */
export function renderEvidencePage(
  record: EvidenceRecord,
  options: { publicUrl: string; keyHint: string; names?: PeopleNames },
): string {
  const e = escapeHtml;
  const keysUrl = `${options.publicUrl}/evidence/keys`;
  const bundleUrl = `${record.url}/bundle`;
  const fields: Array<[string, string]> = [
    ['Kind', e(record.kind)],
    ['Subject', e(record.subject)],
    ['Summary', e(record.summary)],
    ['Recorded by', personHtml(record.actor, options.names)],
    ['Recorded at', isoTime(record.recordedAt)],
    ['Ledger seq', String(record.ledgerSeq)],
    ['Document sha256', `<code>${e(record.digest)}</code>`],
    ['Signing key', `<code>${e(options.keyHint)}</code> (<a href="${e(keysUrl)}">PEM</a>)`],
    ['Signed bundle', `<a href="${e(bundleUrl)}">${e(bundleUrl)}</a>`],
  ];
  const commands = [
    `curl -o key.pem ${keysUrl}`,
    `curl -o bundle.json ${bundleUrl}`,
    `curl -H 'Accept: application/json' -o doc.json ${record.url}`,
    'mc evidence verify bundle.json --document doc.json --key key.pem',
    'mc ledger verify',
  ];
  const manifest =
    record.kind === GATE_DECISION_EVIDENCE ? gateMemoFromDocument(record.document) : null;
  const memo = manifest ? `${renderGateMemo(manifest, record, options)}\n` : '';
  const body = `<h1>Evidence <code>${e(record.id)}</code></h1>
<p>${e(record.summary)}</p>
<dl>
${fields.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('\n')}
</dl>
${memo}<h2>Document</h2>
<pre><code>${e(prettyDocument(record.document))}</code></pre>
<h2>Verify it yourself</h2>
<p>The bundle is a sigstore bundle (DSSE envelope, in-toto statement) signed with the key above.
Verification needs no network beyond these downloads; <code>doc.json</code> must have sha256
<code>${e(record.digest)}</code>, and ledger entry ${record.ledgerSeq} records that digest.</p>
<pre><code>${e(commands.join('\n'))}</code></pre>`;
  return htmlPage(`Evidence ${record.id}: ${record.kind}`, body);
}

/** The page for an id that does not exist or is malformed. */
export function renderNotFoundPage(message: string): string {
  return htmlPage(
    'Evidence not found',
    `<h1>Evidence not found</h1>\n<p>${escapeHtml(message)}</p>`,
  );
}
