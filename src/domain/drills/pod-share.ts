/** A pod-kill fault as the playbook asks for it: a count, or a share of the live pods. */
export interface PodShare {
  count?: number | undefined;
  percent?: number | undefined;
}

const WORDS: Record<number, string> = {
  10: 'a tenth',
  20: 'a fifth',
  25: 'a quarter',
  33: 'a third',
  34: 'a third',
  50: 'half',
  66: 'two thirds',
  67: 'two thirds',
  75: 'three quarters',
  100: 'all',
};

/** `a third` for 33 %, `40%` where no common fraction fits. */
export function shareWords(percent: number): string {
  return WORDS[percent] ?? `${percent}%`;
}

/**
 * What a pod-kill deletes, in the numbers a person checks: `1 of 2 pods (a third, at least
 * one)` once the plan counted the pods, `a third of the pods (at least one)` before.
 */
export function describePodShare(share: PodShare, counted?: { deleted: number; of: number }) {
  const asked =
    share.count !== undefined
      ? `${share.count} asked`
      : `${shareWords(share.percent ?? 0)}, at least one`;
  if (counted) return `${counted.deleted} of ${counted.of} pods (${asked})`;
  if (share.count !== undefined) return `${share.count} pod${share.count === 1 ? '' : 's'}`;
  return `${shareWords(share.percent ?? 0)} of the pods (at least one)`;
}

/** The deleted and live pod counts of a planned `k8s.delete-pods` step, from its intent. */
export function countedPods(before: unknown): { deleted: number; of: number } | undefined {
  if (typeof before !== 'object' || before === null) return undefined;
  const { pods, live } = before as { pods?: unknown; live?: unknown };
  if (!Array.isArray(pods) || typeof live !== 'number') return undefined;
  return { deleted: pods.length, of: live };
}

/**
 * A pod-kill drill's blast radius restated with the pods its fault run planned to delete
 * (`Deletes 1 of 2 pods (a third, at least one) of …`); other drills are left as they are.
 */
export function recountPodKill(
  steps: { action: string; params: Record<string, unknown> }[],
  blastRadius: string[],
  planned: { intent?: { before: unknown } }[],
): string[] {
  const step = steps[0];
  const counted = countedPods(planned[0]?.intent?.before);
  if (step?.action !== 'k8s.delete-pods' || !counted || blastRadius.length === 0) {
    return blastRadius;
  }
  const share = step.params as PodShare;
  const [first = '', ...rest] = blastRadius;
  const of = first.indexOf(' of `');
  const tail = of === -1 ? '' : first.slice(of);
  return [`Deletes ${describePodShare(share, counted)}${tail}`, ...rest];
}
