import type { Catalog } from '../../config/schema.ts';
import type { ActionCatalog } from './check-playbooks.ts';

/** Checks of a drill playbook that need the catalog (environments, dependencies), on raw data. */
export function checkDrillAgainst(
  _raw: Record<string, unknown>,
  _options: { actions: ActionCatalog; catalog?: Catalog },
): [(string | number)[], string][] {
  return [];
}
