import type { Catalog } from '../../config/schema.ts';
import type { ActionCatalog } from './check-playbooks.ts';

/** Checks of a gate playbook that need the catalog (roles, environments), on raw data. */
export function checkGateAgainst(
  _raw: Record<string, unknown>,
  _options: { actions: ActionCatalog; catalog?: Catalog },
): [(string | number)[], string][] {
  return [];
}
