import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { ParseContext } from '../../../src/domain/commands/index.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository's own commands/ and catalog.yml: the grammar users really get. */
export async function repoContext(): Promise<ParseContext> {
  const result = await loadConfig(REPO_ROOT);
  if (!result.ok)
    throw new Error(`repo config invalid:\n${JSON.stringify(result.errors, null, 2)}`);
  return { commands: result.config.commands, catalog: result.config.catalog };
}
