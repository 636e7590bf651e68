import type { ActionRegistry } from '../actions/registry.ts';
import type { ActionContext } from '../actions/types.ts';
import type { Catalog, CommandSpec } from '../config/schema.ts';
import type { KubeIdentity } from '../domain/catalog/schema.ts';
import type { Playbook } from '../domain/playbooks/schema.ts';
import type { RoleDirectory } from '../domain/policy/index.ts';
import type { Evidence } from '../evidence/evidence-service.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { AfterSteps } from './after-steps-hook.ts';
import type { Actor, RunView } from './types.ts';

/** What createRunEngine needs; main.ts builds the real ones, tests pass emulators and fakes. */
export interface RunEngineOptions {
  db: Db;
  ledger: Ledger;
  evidence: Evidence;
  actions: ActionRegistry;
  /**
   * The context actions run with, for the person the run acts for; with `as`, every
   * Kubernetes call impersonates that identity (environments with `impersonate: true`).
   */
  actionContext: (actor: Actor, as?: KubeIdentity) => ActionContext;
  catalog: Catalog;
  commands: Map<string, CommandSpec>;
  /** Triage playbooks whose `approval` overrides tighten the runs they start. Default none. */
  playbooks?: readonly Playbook[];
  roles: RoleDirectory;
  clock: () => Date;
  log: Logger;
  /**
   * This process's instance id: random, new at every process start, unique among processes
   * sharing the database (never a PID, which a restarted container reuses). A run owned by
   * this id that this engine is not executing was left by an earlier incarnation.
   */
  ownerId: string;
  /**
   * The store is embedded and locked to this process (PGlite's data-dir lock): no other live
   * process can own a run, so recoverInterrupted() takes every run of another owner at once,
   * without waiting for its heartbeat to go stale. Never set it on a shared PostgreSQL.
   */
  exclusiveStore?: boolean;
  /** How long after success a Revert may still be asked for. Default 24 h. */
  revertWindowMs?: number;
  /** Passed to each step's verify(); default: the action's own (a rollout's progress deadline). */
  verifyTimeoutMs?: number;
  /** How often an executing owner proves it is alive. Default 5 s. */
  heartbeatMs?: number;
  /**
   * A heartbeat older than this marks the owner dead (recoverInterrupted, which the bot also
   * runs as a periodic sweep on a shared database). Default 30 s.
   */
  staleAfterMs?: number;
  /** At most one progress update per run to the observers per this interval. Default 2 s. */
  progressIntervalMs?: number;
  /** Decides how a run whose steps all succeeded ends (a verification window). Default: it succeeds. */
  afterSteps?: AfterSteps;
}

/** The engine's collaborators and shared state, handed to each of its parts. */
export interface EngineCore
  extends Required<Omit<RunEngineOptions, 'verifyTimeoutMs' | 'afterSteps'>> {
  verifyTimeoutMs: number | undefined;
  afterSteps: AfterSteps | undefined;
  /** Latest verify() progress line per run executing here. */
  progress: Map<string, string>;
  /** Runs this engine is executing right now. */
  live: Set<string>;
  /** Tells the observers (after commit, never inside a transaction). */
  notify(runId: string): void;
  /** Rate-limited notify for progress lines. */
  notifyProgress(runId: string, line: string): void;
  /** A line about the run for its observers (its thread). */
  note(runId: string, line: string): void;
  /** Starts executing (or reverting) a run this engine now owns, in the background. */
  launch(runId: string): void;
  view(runId: string, q?: Queryable): Promise<RunView | undefined>;
}

/** The engine itself as the actor of what it does on its own (succeed, revert, expire). */
export const ENGINE_ACTOR = 'mc';

/** An error's message, for a person and the ledger. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A value as JSON would carry it: Dates as ISO strings, undefined keys dropped. */
export function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** True when a query failed on a unique constraint (both pg and PGlite set `code`). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
