import type { TestProject } from 'vitest/node';
import { isCi, type PostgresCluster, postgresMissingReason, startPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test PostgreSQL: its base URL, or why there is none. */
    postgres: { url: string | null; skipReason: string | null };
  }
}

/**
 * Starts one PostgreSQL cluster for the whole run; test files create databases of their own
 * on it (createTestDatabase). Without PostgreSQL binaries: fail under CI, skip (said aloud)
 * elsewhere.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = await postgresMissingReason();
  if (missing) {
    if (isCi()) throw new Error(`CI must run the PostgreSQL tests, but ${missing}`);
    console.warn(`\n[postgres] tests against real PostgreSQL are SKIPPED: ${missing}\n`);
    project.provide('postgres', { url: null, skipReason: missing });
    return async () => {};
  }
  const cluster: PostgresCluster = await startPostgres();
  project.provide('postgres', { url: cluster.url, skipReason: null });
  return () => cluster.destroy();
}
