import type { VocabularyVerdict } from './check-vocabulary.ts';
import type { CheckedVocabulary } from './check-vocabulary-files.ts';
import { NOISE, NOTIFY_ONLY } from './schema.ts';

/**
 * The coverage line of the corpus, e.g. `782 alerts and metrics from 16 files (13 sources): 512 map to a
 * playbook, 238 notify-only, 32 noise; 0 disagree with the library`.
 */
export function vocabularySummary(
  files: CheckedVocabulary[],
  verdicts: VocabularyVerdict[],
): string {
  const count = (test: (expected: string) => boolean) =>
    verdicts.filter((v) => test(v.expected)).length;
  const notify = count((e) => e === NOTIFY_ONLY);
  const noise = count((e) => e === NOISE);
  const mapped = verdicts.length - notify - noise;
  const disagree = verdicts.filter((v) => !v.agrees).length;
  const sources = new Set(files.map((f) => f.source.repo)).size;
  return `${verdicts.length} alerts and metrics from ${files.length} files (${sources} sources): ${mapped} map to a playbook, ${notify} notify-only, ${noise} noise; ${disagree} disagree with the library`;
}
