import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/postgres.sh', import.meta.url));

/** A PostgreSQL cluster of its own, in a temp dir, on a free loopback port. */
export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:PORT/postgres; stays valid across stop() and start(). */
  url: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** True under CI, where a missing PostgreSQL fails the run instead of skipping. */
export function isCi(env: Record<string, string | undefined> = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
}

/** Why there is no PostgreSQL to test against here, or null when its binaries exist. */
export async function postgresMissingReason(): Promise<string | null> {
  try {
    await run('bash', [SCRIPT, 'bindir']);
    return null;
  } catch {
    return 'PostgreSQL binaries not found (no /usr/lib/postgresql/15/bin, no pg_config); install the postgresql package';
  }
}

async function script(command: 'start' | 'stop' | 'destroy', dir: string): Promise<string> {
  try {
    const { stdout } = await run('bash', [SCRIPT, command, dir], { timeout: 60_000 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/postgres.sh ${command} ${dir} failed: ${stderr.trim()}`, {
      cause: error,
    });
  }
}

/** Starts a fresh cluster (initdb + start, about 1 s). For tests that stop and restart it. */
export async function startPostgres(): Promise<PostgresCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pg-'));
  const url = await script('start', dir);
  return {
    url,
    dir,
    stop: async () => void (await script('stop', dir)),
    start: async () => void (await script('start', dir)),
    destroy: async () => void (await script('destroy', dir)),
  };
}

/** Why the PostgreSQL tests are skipped in this run (printed by global setup), or null. */
export function postgresSkipReason(): string | null {
  const provided = inject('postgres');
  if (provided) return provided.skipReason;
  const reason = 'test/support/global-setup.ts did not run (vitest.config.ts globalSetup)';
  if (isCi()) throw new Error(`CI must run the PostgreSQL tests, but ${reason}`);
  return reason;
}

/** An empty database of its own on the shared test cluster; drop() removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const baseUrl = inject('postgres')?.url;
  if (!baseUrl) throw new Error(`no test PostgreSQL: ${postgresSkipReason()}`);
  const name = `mc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(baseUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(baseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
