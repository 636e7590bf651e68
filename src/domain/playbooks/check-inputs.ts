/** What load-time checks need to know about actions: their names and a params check. */
export interface ActionCatalog {
  names(): string[];
  /** Whether `params` fit the action's schema; `errors` read `path: message`. */
  validateParams(name: string, params: unknown): { ok: true } | { ok: false; errors: string[] };
}

/** One YAML file under `playbooks/`, already parsed. */
export interface PlaybookSource {
  file: string;
  data: unknown;
  lineOf?: (path: PropertyKey[]) => number | undefined;
}
