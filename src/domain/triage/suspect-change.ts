import type { DeployKind } from '../deploys/deploy-record.ts';
import { mention } from './deploy-signal.ts';
import type { Deploy, DeployInput, Signal } from './schema.ts';

const MINUTE = 60_000;

/** Kinds that move a workload forward to new code: a suspect when symptoms follow them. */
const FORWARD: ReadonlySet<DeployKind> = new Set(['deploy', 'external']);
/**
 * Kinds that take a version out when they move away from it. A drill's fault and restore do
 * not: they exercise a release, they pass no judgement on it.
 */
const UNDO: ReadonlySet<DeployKind> = new Set([
  'rollback',
  'auto-rollback',
  'argo-abort',
  'revert',
  'triage',
]);
/** Outcomes that mean the version of a deploy was taken out again. */
const UNDONE = new Set(['rolled-back', 'failed', 'aborted']);

const LABEL: Record<DeployKind, string> = {
  deploy: 'deploy',
  rollback: 'rollback',
  'auto-rollback': 'automatic rollback',
  revert: 'revert',
  triage: 'triage run',
  'drill-fault': 'drill fault',
  'drill-restore': 'drill restore',
  'argo-abort': 'Argo canary abort',
  external: 'change made outside mc',
  run: 'run',
};

/** `rollback`, `change made outside mc`: a change kind as people say it. */
export function changeLabel(kind: DeployKind | undefined): string {
  return LABEL[kind ?? 'deploy'];
}

/**
 * Marks each change whose `to` version was taken out earlier on the same target: an earlier
 * change away from it that was not a deploy (a rollback, Revert, Argo abort, the bot's own
 * rollback...), or an earlier deploy of it that was rolled back or failed. Such a change
 * brings a known-bad version back, and triage says so.
 */
export function flagReturns(changes: DeployInput[]): Deploy[] {
  const ordered = changes
    .map((c, index) => ({ c: { ...c, kind: c.kind ?? 'deploy' } as Deploy, index }))
    .sort((a, b) => Date.parse(a.c.at) - Date.parse(b.c.at) || a.index - b.index);
  const out: Deploy[] = new Array(changes.length);
  const seen: Deploy[] = [];
  for (const { c, index } of ordered) {
    const same = seen.filter((e) => e.service === c.service && e.env === c.env);
    const undo = [...same]
      .reverse()
      .find(
        (e) =>
          (e.from === c.to && UNDO.has(e.kind)) ||
          (e.to === c.to &&
            e.kind === 'deploy' &&
            e.outcome !== undefined &&
            UNDONE.has(e.outcome)),
      );
    const flagged: Deploy = undo
      ? {
          ...c,
          returnsTo: {
            kind: undo.kind,
            by: undo.by,
            at: undo.at,
            ...(undo.outcome ? { outcome: undo.outcome } : {}),
          },
        }
      : c;
    out[index] = flagged;
    seen.push(flagged);
  }
  return out;
}

/** Why a change is or is not the one to roll back, and the change when it is. */
export interface SuspectVerdict {
  suspect?: Signal;
  /** A sentence for reasons: what the latest change was when it is no suspect. */
  why?: string;
}

/** `rollback \`1.4.2\` → \`1.4.1\` by @bob`. */
export function describeChangeSignal(change: Signal): string {
  const d = change.deploy;
  if (!d) return change.name;
  return `${changeLabel(d.kind)} \`${d.from}\` → \`${d.to}\` by ${mention(d.by)}`;
}

/**
 * The change to suspect for symptoms that began at `firstSignalAt`: the target's latest change
 * (as of `now`), when it landed 0..withinMinutes before the first signal and is a deploy, a
 * change made outside mc, or a Revert that brings back a version taken out earlier. A
 * rollback, another Revert or a run of the bot (triage, drills) is never a suspect, and neither is an older deploy a later change has
 * already superseded: rolling "back" from there would re-ship what was taken out.
 * `changes` must be one target's (service and environment).
 */
export function suspectChange(
  changes: Signal[],
  firstSignalAt: string,
  withinMinutes: number,
  now?: string,
): SuspectVerdict {
  const first = Date.parse(firstSignalAt);
  const until = now === undefined ? Number.POSITIVE_INFINITY : Date.parse(now);
  const latest = changes
    .filter((c) => c.deploy && Date.parse(c.at) <= until)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  if (!latest?.deploy) return {};
  const before = first - Date.parse(latest.at);
  if (before < 0) {
    return {
      why: `the latest change, ${describeChangeSignal(latest)}, came after the first signal`,
    };
  }
  if (before > withinMinutes * MINUTE) return {};
  const kind = latest.deploy.kind ?? 'deploy';
  // A Revert that brings back a version taken out earlier re-ships it: that one is a suspect.
  if (!FORWARD.has(kind) && !(kind === 'revert' && latest.deploy.returnsTo)) {
    return {
      why: `the latest change is a ${describeChangeSignal(latest)}, not a deploy to roll back`,
    };
  }
  return { suspect: latest };
}

/** `` `1.4.2` was rolled back earlier (rollback by @bob at 2026-12-07 01:02 UTC) ``, when flagged. */
export function returnWarning(change: Signal): string | undefined {
  const back = change.deploy?.returnsTo;
  if (!change.deploy || !back) return undefined;
  const at = `${back.at.slice(0, 16).replace('T', ' ')} UTC`;
  const how =
    back.kind === 'deploy'
      ? `its deploy ended ${back.outcome ?? 'badly'}`
      : `${changeLabel(back.kind)} by ${mention(back.by)}`;
  return `\`${change.deploy.to}\` is a version taken out earlier (${how} at ${at})`;
}
