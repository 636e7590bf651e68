import { jsonEqual } from '../../adapters/kubernetes/json.ts';
import type { PodTemplate } from '../../adapters/kubernetes/types.ts';

/** A copy of `template` without the controller's hash label, as rollout undo restores it. */
export function withoutHashLabel(template: PodTemplate, hashLabel: string): PodTemplate {
  const copy = structuredClone(template);
  const labels = copy.metadata?.labels;
  if (labels && hashLabel in labels) delete labels[hashLabel];
  return copy;
}

/** Whether two templates are the same pod, ignoring the hash label (kubectl's EqualIgnoreHash). */
export function sameTemplate(a: PodTemplate, b: PodTemplate, hashLabel: string): boolean {
  return jsonEqual(withoutHashLabel(a, hashLabel), withoutHashLabel(b, hashLabel));
}

/** The catalog container's image (`shop/checkout:1.4.1`), or every container's when it is absent. */
export function describeImages(template: PodTemplate, container: string): string {
  const containers = template.spec.containers ?? [];
  const main = containers.find((c) => c.name === container);
  if (main) return main.image ?? '(no image)';
  return containers.map((c) => `${c.name}=${c.image ?? '(no image)'}`).join(', ');
}

/** `1 pod` / `6 pods`. */
export function pods(count: number): string {
  return `${count} pod${count === 1 ? '' : 's'}`;
}
