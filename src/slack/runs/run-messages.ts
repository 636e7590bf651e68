import { setTimeout as delay } from 'node:timers/promises';
import {
  type Finding,
  type RunFindingOptions,
  runFinding,
  runOutcome,
} from '../../findings/index.ts';
import type { RunObserver, RunView } from '../../runs/types.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { SlackReply } from '../render/blocks.ts';
import { renderFinding } from '../render/run-message.ts';
import {
  knownMessage,
  type PostedMessage,
  type PostResult,
  type PublishDeps,
  postRunMessage,
  replyLine,
  replyOutcome,
  updateRunMessage,
} from './publish-run.ts';
import { approversFor } from './who-may-approve.ts';

export type { PostResult } from './publish-run.ts';

export interface RunMessagesOptions extends Omit<PublishDeps, 'errors'> {
  metrics?: Metrics;
  clock: () => Date;
  /** At most one progress-only edit per run per this interval (latest wins). Default 1 s. */
  minUpdateMs?: number;
}

/** The Slack side of runs: one message per run, posted once and edited in place. */
export interface RunMessages {
  observer: RunObserver;
  /** Resolves when the run's first message was posted, or could not be (bounded wait). */
  posted(runId: string, timeoutMs?: number): Promise<PostResult>;
  /** Posts a line in the run's thread, after its message (a canary step as it is reached). */
  note(runId: string, line: string): void;
  /** Waits for queued and deferred edits (tests, shutdown). */
  idle(): Promise<void>;
  /** Drops deferred progress edits (shutdown). */
  close(): void;
}

interface Entry {
  chain: Promise<void>;
  latest?: RunView;
  message?: PostedMessage;
  /** The rendered message minus progress, and the whole of it, as last sent. */
  shape?: string;
  sent?: string;
  lastAt: number;
  /** A deferred progress edit, and how to let idle() go if it is dropped. */
  timer?: NodeJS.Timeout;
  release?: () => void;
}

const REPLIED_MAX = 2_000;
const ENTRIES_MAX = 1_000;

/**
 * The RunObserver that keeps each run's plan message current: the first change posts it
 * (and tells the engine where), later ones edit it with chat.update. A change that only moves
 * the progress line waits for `minUpdateMs` since the last edit; state changes go at once.
 * Outcomes get one short threaded reply with the evidence link. Slack failures are logged and
 * counted, never thrown into the engine.
 */
export function createRunMessages(options: RunMessagesOptions): RunMessages {
  const deps: PublishDeps = { ...options, errors: options.metrics?.runMessageErrors };
  const minUpdateMs = options.minUpdateMs ?? 1_000;
  const entries = new Map<string, Entry>();
  const pending = new Set<Promise<unknown>>();
  const replied = new Set<string>();
  const waiters = new Map<string, { result: Promise<PostResult>; resolve(r: PostResult): void }>();

  function waiter(runId: string) {
    let found = waiters.get(runId);
    if (!found) {
      let resolve!: (r: PostResult) => void;
      const result = new Promise<PostResult>((r) => {
        resolve = r;
      });
      found = { result, resolve };
      waiters.set(runId, found);
      // Nobody may ever ask: forget it after a while.
      setTimeout(() => waiters.delete(runId), 60_000).unref();
    }
    return found;
  }

  function track<T>(work: Promise<T>): Promise<T> {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Who may approve a run that waits for approval, as the catalog names them. */
  function approversOf(view: RunView): RunFindingOptions {
    if (view.waitingFor !== 'approval' || !options.catalog.roles) return {};
    return { approvers: approversFor(view, options.catalog.roles) };
  }

  async function revertedOriginal(view: RunView): Promise<void> {
    const { run } = view;
    if (!run.revertOf || run.state !== 'succeeded' || !options.get) return;
    const original = await options.get(run.revertOf);
    const message = original && (await knownMessage(deps, original));
    if (!original || !message) return;
    const extra: RunFindingOptions = { revertedBy: run.id };
    const reply = renderFinding(runFinding(original, options.clock(), extra));
    await updateRunMessage(deps, original.run.id, message, reply);
  }

  /** Edits the run's message, or posts it when it has none (or it was deleted). */
  async function deliver(
    runId: string,
    view: RunView,
    reply: SlackReply,
    known: PostedMessage | undefined,
  ): Promise<PostedMessage | undefined> {
    const message = known ?? (await knownMessage(deps, view));
    const status = message ? await updateRunMessage(deps, runId, message, reply) : 'gone';
    if (status === 'failed') return undefined;
    if (status === 'ok' && message) {
      waiter(runId).resolve({ ok: true, message });
      return message;
    }
    const posted = await postRunMessage(deps, view, reply);
    waiter(runId).resolve(posted);
    return posted.ok ? posted.message : undefined;
  }

  async function publish(runId: string, entry: Entry): Promise<void> {
    const view = entry.latest;
    if (!view) return;
    const finding = runFinding(view, options.clock(), approversOf(view));
    const sent = JSON.stringify(finding);
    if (sent === entry.sent) return;
    const reply = renderFinding(finding);
    const message = await deliver(runId, view, reply, entry.message);
    if (!message) return;
    entry.message = message;
    entry.sent = sent;
    entry.shape = shapeOf(finding);
    entry.lastAt = performance.now();
    const outcome = runOutcome(view);
    if (outcome && !replied.has(outcome.key)) {
      replied.add(outcome.key);
      if (replied.size > REPLIED_MAX) replied.delete(replied.values().next().value as string);
      if (!(await replyOutcome(deps, runId, message, outcome))) replied.delete(outcome.key);
      await revertedOriginal(view);
    }
  }

  function enqueue(runId: string, entry: Entry): Promise<void> {
    entry.chain = entry.chain
      .then(() => publish(runId, entry))
      .catch((error: unknown) => {
        deps.errors?.inc({ method: 'publish' });
        options.log.error({ err: error, run: runId }, 'could not publish a run message');
      });
    return track(entry.chain);
  }

  async function changed(view: RunView): Promise<void> {
    const runId = view.run.id;
    let entry = entries.get(runId);
    if (!entry) {
      entry = { chain: Promise.resolve(), lastAt: Number.NEGATIVE_INFINITY };
      entries.set(runId, entry);
      forgetOldest(entries);
    }
    entry.latest = view;
    const shape = shapeOf(runFinding(view, options.clock()));
    const progressOnly = entry.shape !== undefined && shape === entry.shape;
    if (progressOnly) {
      if (entry.timer) return;
      const wait = entry.lastAt + minUpdateMs - performance.now();
      if (wait > 0) {
        const due = entry;
        track(
          new Promise<void>((resolve) => {
            due.release = resolve;
            due.timer = setTimeout(() => {
              due.timer = undefined;
              due.release = undefined;
              enqueue(runId, due).finally(resolve);
            }, wait);
          }),
        );
        return;
      }
    } else dropDeferred(entry);
    await enqueue(runId, entry);
  }

  /** Queued behind the run's message edits, so the thread reads in the order things happened. */
  function note(runId: string, line: string): void {
    const entry = entries.get(runId);
    const after = entry?.chain ?? Promise.resolve();
    const work = after.then(async () => {
      const message = entries.get(runId)?.message ?? (await posted(runId));
      if (message) await replyLine(deps, runId, message, [line]);
    });
    if (entry) entry.chain = work.catch(() => undefined);
    track(work).catch((error: unknown) => {
      options.log.error({ err: error, run: runId }, 'could not post a line in the run thread');
    });
  }

  async function posted(runId: string): Promise<PostedMessage | undefined> {
    const result = await Promise.race([
      waiter(runId).result,
      delay(5_000, { ok: false as const, error: 'not posted yet' }, { ref: false }),
    ]);
    return result.ok ? result.message : undefined;
  }

  return {
    observer: { changed, note },
    note,
    async posted(runId, timeoutMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<PostResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, error: 'not posted yet', timedOut: true }),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([waiter(runId).result, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async idle() {
      for (let round = 0; round < 100 && pending.size > 0; round++) {
        await Promise.allSettled([...pending]);
      }
    },
    close() {
      for (const entry of entries.values()) dropDeferred(entry);
    },
  };
}

/** Keeps memory bounded: the oldest runs without a deferred edit are forgotten (the store knows). */
function forgetOldest(entries: Map<string, Entry>): void {
  for (const [runId, entry] of entries) {
    if (entries.size <= ENTRIES_MAX) return;
    if (!entry.timer) entries.delete(runId);
  }
}

/** Cancels a deferred progress edit: a newer change supersedes it. */
function dropDeferred(entry: Entry): void {
  if (entry.timer) clearTimeout(entry.timer);
  entry.release?.();
  entry.timer = undefined;
  entry.release = undefined;
}

/** The finding without its progress line: equal shapes mean only progress moved. */
function shapeOf(finding: Finding): string {
  const { progress: _progress, ...rest } = finding;
  return JSON.stringify(rest);
}
