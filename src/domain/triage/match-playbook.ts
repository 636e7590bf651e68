import {
  compileLabelMatcher,
  compileNamePattern,
  compileRegex,
  formatLabelCondition,
} from '../playbooks/patterns.ts';
import { DEFAULT_WEIGHTS, type RuleName, type TriagePlaybook } from '../playbooks/schema.ts';
import { mention } from './deploy-signal.ts';
import { generatorMetrics } from './expression-metrics.ts';
import { titleText } from './normalize-pagerduty.ts';
import type { Signal } from './schema.ts';
import { changeLabel, returnWarning, suspectChange } from './suspect-change.ts';

export interface RuleMatch {
  rule: RuleName;
  weight: number;
  reasons: string[];
}

export interface PlaybookMatch {
  matched: RuleMatch[];
  /** Required rules that did not match, each with why. */
  missing: string[];
  /** A primary rule (alerts, metrics, text, pagerduty) matched: else not a candidate. */
  primary: boolean;
  /** The first signal an alerts or pagerduty rule matched: its labels fill templates. */
  signal?: Signal;
  /** The suspect change the recentDeploy rule matched (see suspectChange). */
  deploy?: Signal;
}

interface Compiled {
  alerts: { pattern: string; re: RegExp }[];
  metrics: { pattern: string; re: RegExp }[];
  text?: RegExp;
  labels: { text: string; test: (labels: Record<string, string>) => boolean }[];
  title?: RegExp;
}

const cache = new WeakMap<TriagePlaybook, Compiled>();
/** Rules that say what an alert is about; the others only refine a match. */
const PRIMARY: RuleName[] = ['alerts', 'metrics', 'text', 'pagerduty'];
const MINUTE = 60_000;

/** Compiled patterns of a validated playbook (the schema has already refused bad ones). */
function compiled(playbook: TriagePlaybook): Compiled {
  const hit = cache.get(playbook);
  if (hit) return hit;
  const { match } = playbook;
  const names = (patterns: string[] = []) =>
    patterns.flatMap((pattern) => {
      const c = compileNamePattern(pattern);
      return c.ok ? [{ pattern, re: c.value }] : [];
    });
  const result: Compiled = {
    alerts: names(match.alerts),
    metrics: names(match.metrics),
    labels: (match.labels ?? []).flatMap((m) => {
      const c = compileLabelMatcher(m);
      return c.ok ? [{ text: formatLabelCondition(m), test: c.value }] : [];
    }),
  };
  const title = match.pagerduty?.title ? compileRegex(match.pagerduty.title) : undefined;
  if (title?.ok) result.title = title.value;
  const text = match.text ? compileRegex(match.text) : undefined;
  if (text?.ok) result.text = text.value;
  cache.set(playbook, result);
  return result;
}

/**
 * How a pattern matched, for a person: a glob is short enough to show; for a regex, the words
 * it matched (its longest group: `"CrashLoop"`), not the regex itself.
 */
function via(hit: { pattern: string; re: RegExp }, name: string): string {
  if (!hit.pattern.startsWith('/')) return ` \`${hit.pattern}\``;
  const m = hit.re.exec(name);
  const groups = (m?.slice(1) ?? []).filter((g): g is string => Boolean(g));
  const words = groups.sort((a, b) => b.length - a.length)[0] ?? m?.[0] ?? '';
  return words && words !== name ? ` on "${words}"` : '';
}

function listed(names: string[], limit = 3): string[] {
  return names.length <= limit
    ? names
    : [...names.slice(0, limit), `and ${names.length - limit} more`];
}

function short(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Evaluates a playbook's rules against an incident's signals (the caller picks which: usually
 * the active ones) and its deploys. Each matched rule carries its weight and the reasons a
 * person reads.
 */
export function matchPlaybook(
  playbook: TriagePlaybook,
  signals: Signal[],
  context: {
    /** The target's changes (one service and environment). */
    deploys: Signal[];
    firstSignalAt: string;
    service?: string;
    env?: string;
    /** Changes after it are not known yet (replays). */
    now?: string;
  },
): PlaybookMatch {
  const { match } = playbook;
  const c = compiled(playbook);
  const weight = (rule: RuleName) => playbook.weights[rule] ?? DEFAULT_WEIGHTS[rule];
  const matched: RuleMatch[] = [];
  const missing: string[] = [];
  let first: Signal | undefined;
  const add = (rule: RuleName, reasons: string[]) => {
    if (reasons.length > 0) matched.push({ rule, weight: weight(rule), reasons });
  };

  if (match.alerts) {
    const hits = new Map<string, string>();
    for (const s of signals) {
      const name = s.labels.alertname;
      const hit = name ? c.alerts.find((a) => a.re.test(name)) : undefined;
      if (!name || !hit) continue;
      first ??= s;
      if (!hits.has(name)) hits.set(name, hit.pattern === name ? '' : via(hit, name));
    }
    const names = [...hits].map(([name, via]) => `alert \`${name}\` matched${via}`);
    add('alerts', listed(names));
  }
  if (match.metrics) {
    const hits: string[] = [];
    for (const s of signals) {
      if (s.source !== 'alertmanager') continue;
      const found = generatorMetrics(s.link).filter((m) => c.metrics.some((p) => p.re.test(m)));
      if (found.length > 0) first ??= s;
      for (const m of found) if (!hits.includes(m)) hits.push(m);
    }
    const names = hits.map((m) => `metric \`${m}\` in the alert's expression`);
    add('metrics', listed(names, 2));
  }
  if (c.text) {
    const text = c.text;
    const hits: string[] = [];
    for (const s of signals) {
      if (s.source !== 'alertmanager') continue;
      const { summary, description, message } = s.annotations;
      const words = [summary, description, message].map((t) => (t ? text.exec(t)?.[0] : undefined));
      const word = words.find((w) => w !== undefined);
      if (word === undefined) continue;
      first ??= s;
      if (hits.length < 2) hits.push(`\`${s.name}\` says "${short(word, 40)}"`);
    }
    add('text', hits);
  }
  if (match.pagerduty) {
    const rule = match.pagerduty;
    const hits = signals.filter(
      (s) =>
        s.pagerduty &&
        (!c.title || c.title.test(titleText(s.title ?? ''))) &&
        (!rule.services || rule.services.includes(s.pagerduty.serviceId)) &&
        (!rule.urgency || (s.urgency !== undefined && rule.urgency.includes(s.urgency))),
    );
    first ??= hits[0];
    add(
      'pagerduty',
      hits.slice(0, 2).map((s) => {
        const title = titleText(s.title ?? '');
        const what = `PagerDuty #${s.pagerduty?.number} "${short(title)}"`;
        // The matched words say more than the regex: `matched "time out"`.
        const words = c.title?.exec(title)?.[0];
        return words ? `${what} matched "${words}"` : `${what} on ${s.pagerduty?.serviceId}`;
      }),
    );
  }
  if (c.labels.length > 0) {
    const hit = signals.find((s) => c.labels.every((m) => m.test(s.labels)));
    if (hit)
      add('labels', [
        // In code spans: a regex's `*` and `_` must not turn into bold or italics.
        `labels ${c.labels.map((m) => `\`${m.text.replace(/`/g, "'")}\``).join(', ')} on \`${hit.name}\``,
      ]);
  }
  if (match.severity) {
    const found = [...new Set(signals.map((s) => s.severity ?? ''))].filter((s) =>
      match.severity?.includes(s),
    );
    add('severity', found.length ? [`severity \`${found.join('`, `')}\``] : []);
  }
  let deploy: Signal | undefined;
  let noSuspect: string | undefined;
  if (match.recentDeploy) {
    const within = match.recentDeploy.withinMinutes;
    const verdict = suspectChange(context.deploys, context.firstSignalAt, within, context.now);
    deploy = verdict.suspect;
    noSuspect = verdict.why;
    if (deploy?.deploy) {
      const minutes = Math.round(
        (Date.parse(context.firstSignalAt) - Date.parse(deploy.at)) / MINUTE,
      );
      const when = minutes < 1 ? 'less than a minute' : `${minutes} min`;
      const what =
        deploy.deploy.kind === 'external'
          ? 'change made outside mc to'
          : changeLabel(deploy.deploy.kind);
      const warning = returnWarning(deploy);
      add('recentDeploy', [
        `${what} \`${deploy.deploy.to}\` by ${mention(deploy.deploy.by)} ${when} before first signal`,
        ...(warning ? [warning] : []),
      ]);
    }
  }
  for (const rule of playbook.require) {
    if (matched.some((m) => m.rule === rule)) continue;
    const target = context.service
      ? `${context.service}${context.env ? `/${context.env}` : ''}`
      : 'this service';
    missing.push(
      rule === 'recentDeploy'
        ? `needs a deploy of ${target} within ${match.recentDeploy?.withinMinutes} min before the first signal: ${noSuspect ?? 'none'}`
        : `needs its ${rule} rule to match`,
    );
  }
  const result: PlaybookMatch = {
    matched,
    missing,
    primary: matched.some((m) => PRIMARY.includes(m.rule)),
  };
  if (first) result.signal = first;
  if (deploy) result.deploy = deploy;
  return result;
}
