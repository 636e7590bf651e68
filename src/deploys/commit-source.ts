/** The OCI image annotations a build pipeline copies onto the workload (or its pod template). */
export const OCI_REVISION = 'org.opencontainers.image.revision';
export const OCI_CREATED = 'org.opencontainers.image.created';

/** The commit a deploy ships and when it was made, as far as anything says. */
export interface CommitInfo {
  commit?: string;
  commitAt?: Date;
}

function validTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * Where lead time starts: the deploy request's `--commit`/`--commit-at` first, then the OCI
 * annotations on the workload after the rollout (pod template first, then the workload's
 * own). The annotations' time is taken only when their revision is the requested commit, or
 * when none was requested: `created` belongs to the image built from that revision.
 */
export function commitOf(
  requested: { commit?: unknown; commitAt?: unknown } | undefined,
  ...annotationSets: (Record<string, string> | undefined)[]
): CommitInfo {
  const commit = typeof requested?.commit === 'string' ? requested.commit : undefined;
  const commitAt = validTime(requested?.commitAt);
  const annotated = annotationSets.find((a) => a?.[OCI_REVISION] || a?.[OCI_CREATED]) ?? {};
  const revision = annotated[OCI_REVISION];
  const matches =
    !commit || !revision || revision.startsWith(commit) || commit.startsWith(revision);
  const created = matches ? validTime(annotated[OCI_CREATED]) : undefined;
  const sha = commit ?? revision;
  const at = commitAt ?? created;
  return { ...(sha ? { commit: sha } : {}), ...(at ? { commitAt: at } : {}) };
}
