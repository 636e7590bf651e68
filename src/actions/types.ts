import type { z } from 'zod';
import type { AlertmanagerClient } from '../adapters/alertmanager/create-alertmanager-client.ts';
import type { KubeClients } from '../adapters/kubernetes/create-kube-clients.ts';
import type { PagerDuty } from '../adapters/pagerduty/client.ts';
import type { Catalog } from '../domain/catalog/schema.ts';
import type { KubeAccess } from '../domain/rbac/types.ts';
import type { Logger } from '../telemetry/logger.ts';

/** A JSON value: what `before`/`after` must be so the run engine can persist them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What an action would do, computed from the live state before anything changes. */
export interface ActionPlan {
  /** One line a person reads: "checkout/prod image `a` → `b`, 6 pods". */
  summary: string;
  /** The changes, one per line ("- image: a", "+ image: b"). */
  diff: string[];
  /** What is touched beyond the object itself ("6 pods", "3 firing alerts"). */
  affected?: string;
  /** True when the live state already is the wanted one: apply would change nothing. */
  noop?: boolean;
  /** Things to know before confirming (not reversible, paused, pods need a restart...). */
  warnings?: string[];
  /** The exact change, resolved from the live state (absent on plans built for display only). */
  intent?: Intent;
}

/**
 * The exact change a step makes, resolved when it is planned: stored before apply, bound by
 * the plan hash, and what apply applies (never "the previous revision" recomputed later).
 */
export interface Intent {
  /** The live state it was planned from: what revert restores, and the precondition of apply. */
  before: Json;
  /** The exact target state: `revision 6, shop/checkout:1.4.1`, `replicas: 6`, a key's value. */
  after: Json;
}

/** A plan as an action returns it: always with its intent. */
export type PlannedAction = ActionPlan & { intent: Intent };

/**
 * Where the live state stands against an intent: already `applied`, `not_applied` yet (it is
 * still the planned `before`), or `drifted` (changed by someone else since the plan).
 */
export interface Reconciled {
  state: 'applied' | 'not_applied' | 'drifted';
  /** For a person: what the live state is, and what was planned. */
  detail: string;
  /** When applied: what apply would have returned (a silence's id found on the server). */
  applied?: Applied;
}

/** What apply changed: `before` is exactly the state revert restores. Both JSON. */
export interface Applied {
  before: Json;
  after: Json;
}

export interface VerifyOptions {
  /** How long to wait for the effect; each action has a default (a rollout's deadline...). */
  timeoutMs?: number;
  /** Called when the observed state changes, for a thread update. */
  onProgress?: (detail: string) => void;
  /** Fixed pause between polls; default: 50 ms doubling up to 2 s. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface VerifyResult {
  ok: boolean;
  detail: string;
}

/** Everything an action may use; the composition root builds it, tests pass emulators. */
export interface ActionContext {
  catalog: Catalog;
  kube: KubeClients;
  pagerduty?: PagerDuty;
  alertmanager?: AlertmanagerClient;
  log: Logger;
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Who asked (a Slack user id or name): recorded as a silence's createdBy. */
  actor?: string;
}

/** One operation: data (name, params schema, reversible) plus the four steps of a run. */
export interface Action<P = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly params: z.ZodType<P>;
  readonly reversible: boolean;
  /** Why it cannot be undone, when `reversible` is false. */
  readonly irreversible?: string;
  /**
   * The Kubernetes access every step (plan, apply, reconcile, verify, revert) uses, per
   * workload kind; `mc rbac` grants exactly this. Absent: the action makes no Kubernetes call.
   */
  readonly kube?: KubeAccess;
  plan(ctx: ActionContext, params: P): Promise<PlannedAction>;
  /**
   * Applies `intent`, idempotently: a live state already at `intent.after` changes nothing, and
   * one that is neither `before` nor `after` is refused (ActionError 'changed'). Without an
   * intent (a step run outside a stored run), it plans one from the live state first.
   */
  apply(ctx: ActionContext, params: P, intent?: Intent): Promise<Applied>;
  /** Reads the live state and says whether `intent` is applied; changes nothing. */
  reconcile(ctx: ActionContext, params: P, intent: Intent): Promise<Reconciled>;
  verify(
    ctx: ActionContext,
    params: P,
    applied: Applied,
    options?: VerifyOptions,
  ): Promise<VerifyResult>;
  revert(ctx: ActionContext, params: P, before: Json): Promise<void>;
}
