import { suggest } from '../../util/suggest.ts';
import { type ConfigError, issuesToErrors, schemaKeys } from '../catalog/config-error.ts';
import type { Catalog } from '../catalog/schema.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import { checkTriageInput } from '../triage/check-input.ts';
import type { PlaybookSource } from './check-inputs.ts';
import { PlaybookTestFile } from './schema.ts';

/** A valid `playbooks/tests/*.yml` file and where it came from. */
export interface TestFile extends PlaybookTestFile {
  file: string;
}

const KEYS = schemaKeys(PlaybookTestFile);

/**
 * Validates test files: their schema, then per case (on raw data, so every error shows at
 * once) the expected playbook exists among the triage playbooks, the service exists, and the
 * input's deploys and times fit the catalog. Only files without any error are returned.
 */
export function checkPlaybookTests(
  sources: PlaybookSource[],
  triageIds: string[],
  catalog: Catalog | undefined,
): { files: TestFile[]; errors: ConfigError[] } {
  const files: TestFile[] = [];
  const errors: ConfigError[] = [];
  for (const source of sources) {
    const lineOf = source.lineOf ?? (() => undefined);
    const found: ConfigError[] = [];
    const parsed = PlaybookTestFile.safeParse(source.data, { reportInput: true });
    if (!parsed.success)
      found.push(...issuesToErrors(parsed.error.issues, source.file, KEYS, lineOf));
    asArray(asRecord(source.data).cases).forEach((item, i) => {
      const problems: [(string | number)[], string][] = [];
      const c = asRecord(item);
      const top = asString(asRecord(c.expect).top);
      if (top !== undefined && !triageIds.includes(top)) {
        const close = suggest(top, triageIds);
        problems.push([
          ['expect', 'top'],
          `unknown triage playbook "${top}"${close ? `. Did you mean "${close}"?` : ''}`,
        ]);
      }
      const service = asString(c.service);
      const services = Object.keys(catalog?.services ?? {});
      if (catalog && service !== undefined && !services.includes(service)) {
        problems.push([['service'], `unknown service "${service}"; known: ${services.join(', ')}`]);
      }
      if (catalog) {
        for (const p of checkTriageInput(c.input, catalog))
          problems.push([['input', ...p.path], p.message]);
      }
      for (const [path, message] of problems) {
        const full = ['cases', i, ...path];
        const line = lineOf(full);
        found.push({ file: source.file, path: full.join('.'), message, ...(line ? { line } : {}) });
      }
    });
    errors.push(...found);
    if (parsed.success && found.length === 0) files.push({ file: source.file, ...parsed.data });
  }
  return { files, errors };
}
