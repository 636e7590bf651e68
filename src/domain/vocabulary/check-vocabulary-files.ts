import { suggest } from '../../util/suggest.ts';
import { type ConfigError, issuesToErrors, schemaKeys } from '../catalog/config-error.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import type { PlaybookSource } from '../playbooks/check-inputs.ts';
import { NOISE, NOTIFY_ONLY, VocabularyFile } from './schema.ts';

/** A valid `playbooks/vocabulary/*.yml` file and where it came from. */
export interface CheckedVocabulary extends VocabularyFile {
  file: string;
}

const KEYS = schemaKeys(VocabularyFile);

/** Whether a file under `playbooks/` is part of the alert vocabulary corpus. */
export function isVocabularyFile(file: string): boolean {
  return /(^|\/)playbooks\/vocabulary\//.test(file);
}

/**
 * Validates the corpus: each file's schema (every entry must carry a classification), then that
 * each classification names a triage playbook, `notify-only` or `noise`. Only files without
 * any error are returned.
 */
export function checkVocabularyFiles(
  sources: PlaybookSource[],
  triageIds: string[],
): { files: CheckedVocabulary[]; errors: ConfigError[] } {
  const files: CheckedVocabulary[] = [];
  const errors: ConfigError[] = [];
  const targets = [...triageIds, NOTIFY_ONLY, NOISE];
  for (const source of sources) {
    const lineOf = source.lineOf ?? (() => undefined);
    const found: ConfigError[] = [];
    const parsed = VocabularyFile.safeParse(source.data, { reportInput: true });
    if (!parsed.success)
      found.push(...issuesToErrors(parsed.error.issues, source.file, KEYS, lineOf));
    for (const list of ['alerts', 'metrics'] as const) {
      asArray(asRecord(source.data)[list]).forEach((item, i) => {
        const triage = asString(asRecord(item).triage);
        if (triage === undefined || targets.includes(triage)) return;
        const close = suggest(triage, targets);
        const at = [list, i, 'triage'];
        const line = lineOf(at);
        found.push({
          file: source.file,
          path: at.join('.'),
          message: `"${triage}" is not a triage playbook, ${NOTIFY_ONLY} or ${NOISE}${close ? `. Did you mean "${close}"?` : ''}`,
          ...(line ? { line } : {}),
        });
      });
    }
    errors.push(...found);
    if (parsed.success && found.length === 0) files.push({ file: source.file, ...parsed.data });
  }
  return { files, errors };
}
