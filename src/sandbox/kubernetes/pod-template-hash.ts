import { clone, deepEqual, stableStringify } from './json.ts';
import type { PodTemplate } from './types.ts';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a 32-bit, the hash family Kubernetes uses for pod-template-hash. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Kubernetes' rand.SafeEncodeString: maps each character onto a vowel-free alphabet. */
function safeEncode(text: string): string {
  return Array.from(text, (ch) => SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** A pod template without the hash labels a controller adds, for comparing templates. */
export function withoutHashLabels(template: PodTemplate): PodTemplate {
  const copy = clone(template);
  const labels = copy.metadata?.labels;
  if (labels) {
    delete labels['pod-template-hash'];
    delete labels['rollouts-pod-template-hash'];
  }
  return copy;
}

/** Deterministic pod-template-hash of a template (ignoring hash labels), shaped like Kubernetes'. */
export function podTemplateHash(template: PodTemplate, collisionCount = 0): string {
  const text =
    stableStringify(withoutHashLabels(template)) + (collisionCount ? String(collisionCount) : '');
  return safeEncode(String(fnv32a(text)));
}

/** Whether two templates are equal once the controllers' hash labels are ignored (EqualIgnoreHash). */
export function templatesEqual(a: PodTemplate, b: PodTemplate): boolean {
  return deepEqual(withoutHashLabels(a), withoutHashLabels(b));
}

/** The same safe-encoded FNV hash over arbitrary text (Argo's currentStepHash is one). */
export function textHash(text: string): string {
  return safeEncode(String(fnv32a(text)));
}
