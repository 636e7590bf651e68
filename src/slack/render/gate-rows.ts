import type { CheckStatus, GateRow, GateStatus, Waiver } from '../../gates/decide-gate.ts';
import { escapeMrkdwn } from './blocks.ts';
import { slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';
import { cutInline, cutMrkdwn } from './safe-cut.ts';
import { textWithDates } from './text-dates.ts';

const GATE_ICON: Record<GateStatus, string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  waived: ':warning:',
  inconclusive: ':grey_question:',
};
const CHECK_ICON: Record<CheckStatus, string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  inconclusive: ':grey_question:',
};

// What one quoted text (a check's reason, a waiver's reason) may take in the table. The
// whole text stays in the ledger and in the signed manifest.
const QUOTE_BUDGET = 400;
const INDENT = '        ';

const when = slackDate;

/**
 * A waiver's line. Its expiry comes before the reason, so however long the reason, the line
 * always says until when (or since when) the gate is waived.
 */
export function waiverLine(waiver: Waiver, now: Date): string {
  const reason = cutMrkdwn(escapeMrkdwn(waiver.reason), QUOTE_BUDGET);
  return waiver.expiresAt.getTime() > now.getTime()
    ? `:warning: Waived by <@${waiver.by}> until ${when(waiver.expiresAt)}: ${reason}`
    : `:hourglass_flowing_sand: ~Waiver by <@${waiver.by}>~ expired ${when(waiver.expiresAt)}: ${reason}`;
}

/** A gate's line in the table, with how many of its checks passed, then its waivers. */
export function gateSummaryLines(row: GateRow, index: number, waivers: string[]): string[] {
  const passed = row.checks.filter((c) => c.status === 'passed').length;
  const name = cutInline(escapeMrkdwn(row.name), 150);
  const head = `${GATE_ICON[row.status]} ${index + 1}. *${name}* (${row.status}) · ${passed}/${row.checks.length} checks passed`;
  return [head, ...waivers.map((w) => `${INDENT}${w}`)];
}

/**
 * The reason with its link. A PromQL check's reason quotes the query its graph link carries:
 * the quote becomes the link (labelled `query`), so the message holds the query once.
 */
export function reasonWithLink(reason: string, link: string | undefined): string {
  if (!link) return cutMrkdwn(textWithDates(reason), QUOTE_BUDGET);
  let quoted: string | undefined;
  try {
    quoted = [...new URL(link).searchParams.values()].find(
      (v) => v.length >= 12 && reason.includes(v),
    );
  } catch {
    quoted = undefined;
  }
  if (!quoted) {
    return `${cutMrkdwn(textWithDates(reason), QUOTE_BUDGET)} · ${slackLink(link, 'graph')}`;
  }
  const at = reason.indexOf(quoted);
  const before = textWithDates(reason.slice(0, at));
  const after = cutMrkdwn(textWithDates(reason.slice(at + quoted.length)), QUOTE_BUDGET);
  return `${cutMrkdwn(before, QUOTE_BUDGET)}${slackLink(link, 'query')}${after}`;
}

/**
 * One line per check with its value, reason and link: every check (`all`, under its gate's
 * line), or only those that did not pass, numbered by gate (`failing`, after the summary).
 */
export function checkLines(row: GateRow, index: number, which: 'all' | 'failing'): string[] {
  return row.checks
    .filter((c) => which === 'all' || c.status !== 'passed')
    .map((c) => {
      const value = c.value === undefined ? '' : ` · \`${cutInline(escapeMrkdwn(c.value), 80)}\``;
      const title = cutInline(escapeMrkdwn(c.title), 150);
      const lead = which === 'all' ? INDENT : `${index + 1}. `;
      const icon = CHECK_ICON[c.status];
      return which === 'all'
        ? `${lead}${icon} ${title}${value} — ${reasonWithLink(c.reason, c.link)}`
        : `${icon} ${lead}${title}${value} — ${reasonWithLink(c.reason, c.link)}`;
    });
}

/** Lines packed into as few section texts as fit under `max` characters each. */
export function packLines(lines: string[], max: number): string[] {
  const packs: string[] = [];
  let current = '';
  for (const line of lines) {
    const fitted = cutMrkdwn(line, max);
    if (current && current.length + 1 + fitted.length > max) {
      packs.push(current);
      current = '';
    }
    current = current ? `${current}\n${fitted}` : fitted;
  }
  if (current) packs.push(current);
  return packs;
}
