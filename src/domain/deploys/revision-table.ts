import { mention } from '../triage/deploy-signal.ts';
import type { DeployRecord } from './deploy-record.ts';

/** One revision of a workload as `rolloutHistory` returns it (the fields used here). */
export interface HistoryEntry {
  revision: number;
  /** Image per container name. */
  images: Record<string, string>;
  /** When its ReplicaSet was created (RFC 3339). */
  createdAt: string;
  current: boolean;
  changeCause?: string | undefined;
}

/** One line of the revision history a person picks a rollback target from. */
export interface RevisionRow {
  revision: number;
  image: string;
  /** When this revision started running, from the deploy log when it knows, else its ReplicaSet. */
  since: Date;
  /** `2h ago`, as of the `now` given. */
  age: string;
  /** Who deployed it, when the deploy log knows (a Slack user id, or `mc`). */
  deployedBy?: string;
  /** An automatic rollback by mc: whose change it undid. */
  onBehalfOf?: string;
  /** The deploy record behind it, when known. */
  deployId?: string;
  current: boolean;
  changeCause?: string;
}

/** `45s ago`, `12m ago`, `2h ago`, `3d ago`. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3_600) return `${Math.floor(s / 60)}m ago`;
  if (s < 172_800) return `${Math.floor(s / 3_600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function recordFor(
  entry: HistoryEntry,
  image: string,
  deploys: DeployRecord[],
): DeployRecord | undefined {
  const newest = (list: DeployRecord[]) =>
    list.reduce<DeployRecord | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
  return (
    newest(deploys.filter((d) => d.toRevision === entry.revision)) ??
    newest(deploys.filter((d) => d.toRevision === undefined && d.toImage === image))
  );
}

/**
 * Rollout history joined with the deploy log of the same service and environment, newest
 * revision first. A record matches by revision, or by image when it has no revision.
 */
export function joinRevisions(input: {
  history: HistoryEntry[];
  container: string;
  deploys: DeployRecord[];
  now: Date;
}): RevisionRow[] {
  return [...input.history]
    .sort((a, b) => b.revision - a.revision)
    .map((entry) => {
      const image = entry.images[input.container] ?? Object.values(entry.images)[0] ?? '(none)';
      const record = recordFor(entry, image, input.deploys);
      const since = record?.at ?? new Date(entry.createdAt);
      const known = Number.isNaN(since.getTime()) ? undefined : since;
      return {
        revision: entry.revision,
        image,
        since: known ?? new Date(0),
        age: known ? formatAgo(input.now.getTime() - known.getTime()) : 'age unknown',
        ...(record ? { deployedBy: record.by, deployId: record.id } : {}),
        ...(record?.onBehalfOf ? { onBehalfOf: record.onBehalfOf } : {}),
        current: entry.current,
        ...(entry.changeCause ? { changeCause: entry.changeCause } : {}),
      };
    });
}

/** `<@U01ALICE01>` for a Slack user id (a mention in Slack, recognisable elsewhere), else `@alice`. */
export function personText(by: string): string {
  return /^[UW][A-Z0-9]{8,}$/.test(by) ? `<@${by}>` : mention(by);
}

/** "rev 7 · shop/checkout:1.4.2 · 2h ago · @alice (current)". */
export function revisionLine(row: RevisionRow): string {
  const parts = [`rev ${row.revision}`, row.image, row.age];
  if (row.onBehalfOf) parts.push(`mc (automatic rollback for ${personText(row.onBehalfOf)})`);
  else if (row.deployedBy) parts.push(personText(row.deployedBy));
  return `${parts.join(' · ')}${row.current ? ' (current)' : ''}`;
}

/** The whole history as text, one revision per line, newest first. */
export function revisionTable(rows: RevisionRow[]): string {
  return rows.length === 0 ? '(no revisions recorded)' : rows.map(revisionLine).join('\n');
}

/** Where a rollback goes: the given revision, or the newest one before the current. */
export type RollbackTarget =
  | { ok: true; from: RevisionRow; to: RevisionRow }
  | { ok: false; message: string };

/** Picks the rollback target the way `kubectl rollout undo [--to-revision N]` does, or says why not. */
export function rollbackTarget(rows: RevisionRow[], label: string, to?: number): RollbackTarget {
  const current = rows.find((r) => r.current) ?? rows[0];
  if (!current) return { ok: false, message: `${label} has no rollout history to roll back to.` };
  const known = rows.map((r) => r.revision).sort((a, b) => a - b);
  if (to === undefined) {
    const previous = rows
      .filter((r) => r.revision !== current.revision)
      .sort((a, b) => b.revision - a.revision)[0];
    if (!previous) {
      return {
        ok: false,
        message: `${label} has only revision ${current.revision}; there is nothing earlier to roll back to.`,
      };
    }
    return { ok: true, from: current, to: previous };
  }
  const target = rows.find((r) => r.revision === to);
  if (!target) {
    return {
      ok: false,
      message: `${label} has no revision ${to}; known: ${known.join(', ')}. Run \`/mc rollback\` without --to to see them.`,
    };
  }
  if (target.revision === current.revision) {
    return { ok: false, message: `revision ${to} is already what ${label} runs.` };
  }
  return { ok: true, from: current, to: target };
}
