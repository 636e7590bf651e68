import type { Scorecard } from './scorecard.ts';
import { envSections, scopeLine, targetLine } from './scorecard-lines.ts';
import { humanSeconds } from './stats.ts';

const esc = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const link = (text: string, url: string | undefined) =>
  url && /^https?:\/\//.test(url) ? `<a href="${esc(url)}">${esc(text)}</a>` : esc(text);

/** A card as it comes back from the store's JSON: times are strings there. */
type StoredCard = Omit<Scorecard, 'since' | 'until'> & {
  since: string | Date;
  until: string | Date;
};

/**
 * The evidence page of a scorecard: the same chart, the figures and targets, and every change
 * and incident it counted, each linked to its own evidence where there is one.
 */
export function renderScorecardPage(
  period: string,
  stored: { card: StoredCard; svg: string },
): string {
  const card = {
    ...stored.card,
    since: new Date(stored.card.since),
    until: new Date(stored.card.until),
  };
  const { evidence } = card;
  const envs = envSections(card)
    .map(
      ({ env, lines }) =>
        `<h3>${esc(env)}</h3><ul>${lines.map((l) => `<li>${esc(`${l.label}: ${l.value} · ${l.trend}`)}</li>`).join('')}</ul>`,
    )
    .join('');
  const targets = card.targets
    .map((t) => `<li class="${t.status.replace(' ', '-')}">${esc(targetLine(t))}</li>`)
    .join('');
  const failedKey = (c: { id?: string; at: string; to: string }) => `${c.id ?? ''}|${c.at}|${c.to}`;
  const failedKeys = new Map(evidence.failures.map((f) => [failedKey(f.change), f.reasons]));
  const deploys = evidence.deployments
    .map((d) => {
      const reasons = failedKeys.get(failedKey(d));
      const lead = d.commitAt
        ? humanSeconds((Date.parse(d.at) - Date.parse(d.commitAt)) / 1000)
        : '–';
      return `<tr><td>${esc(d.at)}</td><td>${esc(d.service)}</td><td>${esc(d.env)}</td><td>${link(`${d.from ?? '(none)'} → ${d.to}`, d.url)}</td><td>${esc(d.by)}</td><td>${esc(lead)}</td><td>${esc(d.outcome)}</td><td>${reasons ? esc(`failed: ${reasons.join(', ')}`) : ''}</td></tr>`;
    })
    .join('');
  const incidents = evidence.incidents
    .map((i) => {
      const restore = i.resolvedAt
        ? humanSeconds((Date.parse(i.resolvedAt) - Date.parse(i.openedAt)) / 1000)
        : 'open';
      return `<tr><td>${link(i.id ?? '(incident)', i.url)}</td><td>${esc(i.service)}</td><td>${esc(i.env)}</td><td>${esc(i.openedAt)}</td><td>${esc(restore)}</td><td>${esc(i.changeRef ?? '')}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Delivery scorecard ${esc(period)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1c1d}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}.met{color:#1a7f37}.missed{color:#cf222e}</style>
</head><body>
<h1>Delivery scorecard ${esc(period)}</h1>
<p>${esc(scopeLine(card))}. Rollbacks, reverts and incidents count against a deploy within ${esc(humanSeconds(card.report.attributionWindowSeconds))}.</p>
<figure>${stored.svg}</figure>
${envs}
<h2>Targets</h2><ul>${targets || '<li>No targets in catalog.yml dora.targets.</li>'}</ul>
<h2>Deployments counted (${evidence.deployments.length})</h2>
<table><tr><th>at</th><th>service</th><th>env</th><th>change</th><th>by</th><th>lead time</th><th>outcome</th><th>change failure</th></tr>${deploys}</table>
<h2>Incidents counted (${evidence.incidents.length})</h2>
<table><tr><th>incident</th><th>service</th><th>env</th><th>first signal</th><th>time to restore</th><th>blamed on</th></tr>${incidents}</table>
</body></html>
`;
}
