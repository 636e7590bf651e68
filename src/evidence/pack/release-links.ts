// How a release is recognised in the deploy log and in its own manifests.

/** The tag of an image reference (`1.4.2` of `ghcr.io/acme/checkout:1.4.2@sha256:…`). */
function imageTag(image: string): string | null {
  const name = image.slice(image.lastIndexOf('/') + 1).split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : null;
}

/** True when an image is the release's version: same tag (a leading `v` aside), or same reference or digest. */
export function imageIsVersion(image: string | null, version: string): boolean {
  if (!image) return false;
  const bare = (v: string) => v.replace(/^v(?=\d)/, '');
  const tag = imageTag(image);
  return (
    image === version ||
    image.endsWith(`@${version}`) ||
    (tag !== null && bare(tag) === bare(version))
  );
}

/** Evidence ids cited by a manifest's drill links (`…/evidence/ev_…`). */
export function citedDrills(manifestDocument: string): string[] {
  try {
    const body = (JSON.parse(manifestDocument) as { body?: { drillEvidence?: unknown } }).body;
    const links = Array.isArray(body?.drillEvidence) ? body.drillEvidence : [];
    return links.flatMap(
      (link) => /\/evidence\/(ev_[a-z2-7]{16})(?![a-z2-7])/.exec(String(link))?.[1] ?? [],
    );
  } catch {
    return [];
  }
}

/** Run ids a manifest lists as changes. */
export function changedRuns(manifestDocument: string): string[] {
  try {
    const body = (JSON.parse(manifestDocument) as { body?: { changes?: unknown } }).body;
    const changes = Array.isArray(body?.changes) ? body.changes : [];
    return changes.flatMap((c) => (typeof c?.runId === 'string' ? [c.runId] : []));
  } catch {
    return [];
  }
}
