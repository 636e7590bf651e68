import type { LeaseKeeper } from '../store/lease-keeper.ts';
import type { Drill } from './drill-store.ts';
import { driveDrill, retryRestore } from './drive-drill.ts';
import type { DrillDeps } from './types.ts';

/** Starts, aborts and recovers drills; one loop per drill in this process. */
export interface DrillRunner {
  /**
   * Takes a new drill's lease before its row is stored and its message posted (which may wait
   * on Slack), so no other bot's recovery takes a drill this one is still beginning.
   */
  claim(drillId: string): Promise<void>;
  /** Gives up a claimed drill that will not begin (not stored, or its message not posted). */
  release(drillId: string): Promise<void>;
  /** Drives a drill just created (its fault run requested) to its end, in the background. */
  begin(drill: Drill): void;
  /** Marks a drill aborted; its loop restores at once. A refusal is a message for the clicker. */
  abort(drillId: string, actor: string): Promise<{ ok: boolean; message: string }>;
  /** Tries the restore of a restore-failed drill again. */
  retry(drillId: string, actor: string): Promise<{ ok: boolean; message: string }>;
  /**
   * Every drill a stopped process left (whose lease no live bot holds). Past its restore
   * deadline: restored now and announced; otherwise its loop resumes (and restores by the
   * deadline at the latest). A drill whose loop failed here is left to a person (Retry).
   */
  recover(): Promise<Drill[]>;
  /** Ends the loops where they are (saved; the next start resumes them). */
  stop(): Promise<void>;
  /** Waits for every loop (tests). */
  idle(): Promise<void>;
}

/**
 * The runner over the drill store and the run engine. With `leases`, each drill's loop holds
 * the lease `drill:<id>` while it runs, so one bot of several drives it, and another takes it
 * over (recover) once that bot is gone.
 */
export function createDrillRunner(
  options: Omit<DrillDeps, 'signal'>,
  leases?: Pick<LeaseKeeper, 'hold' | 'drop'>,
): DrillRunner {
  const stopping = new AbortController();
  const deps: DrillDeps = { ...options, signal: stopping.signal };
  const loops = new Map<string, Promise<void>>();
  const failed = new Set<string>();
  const leaseOf = (drillId: string) => `drill:${drillId}`;

  function launch(drill: Drill, work: () => Promise<unknown>): void {
    if (loops.has(drill.id)) return;
    const name = leaseOf(drill.id);
    const loop = (async () => {
      // Another live bot drives this drill: it is its to finish.
      if (leases && !(await leases.hold(name))) return;
      try {
        await work();
      } finally {
        await leases?.drop(name);
      }
    })()
      .catch((error: unknown) => {
        if (stopping.signal.aborted) return;
        failed.add(drill.id);
        deps.log.error({ err: error, drill: drill.id }, 'drill loop failed');
        return deps.announcer
          .say(drill, { kind: 'loop-failed', error: String(error) })
          .catch(() => undefined);
      })
      .finally(() => loops.delete(drill.id));
    loops.set(drill.id, loop);
  }

  /** Resumes a drill this bot now holds; false when it was finished meanwhile. */
  async function resume(drill: Drill, now: Date): Promise<boolean> {
    // Read again under the lease: the bot that held it may have finished it meanwhile.
    const fresh = leases ? await deps.store.get(drill.id) : drill;
    if (!fresh || ['finished', 'cancelled', 'restore_failed'].includes(fresh.state)) {
      await leases?.drop(leaseOf(drill.id));
      return false;
    }
    Object.assign(drill, fresh);
    const late =
      drill.restoreDeadline && drill.restoreDeadline <= now && drill.state === 'measuring';
    if (late) {
      const by = 'a bot restart past the restore deadline';
      await deps.store.update(drill.id, { abortRequestedBy: by });
      drill.abortRequestedBy = by;
      await deps.announcer.say(drill, {
        kind: 'resumed-past-deadline',
        deadline: drill.restoreDeadline,
      });
    } else {
      await deps.announcer.say(drill, { kind: 'resumed' });
    }
    if (drill.state === 'restoring' && drill.result) {
      launch(drill, () => retryRestore(deps, drill, 'mc (restart)'));
    } else {
      launch(drill, () => driveDrill(deps, drill));
    }
    return true;
  }

  return {
    async claim(drillId) {
      await leases?.hold(leaseOf(drillId));
    },
    async release(drillId) {
      await leases?.drop(leaseOf(drillId));
    },
    begin(drill) {
      launch(drill, () => driveDrill(deps, drill));
    },
    async abort(drillId, actor) {
      const drill = await deps.store.get(drillId);
      if (!drill) return { ok: false, message: `Drill \`${drillId}\` is not known here.` };
      const marked = await deps.store.update(drillId, { abortRequestedBy: actor }, [
        'awaiting_run',
        'measuring',
      ]);
      if (!marked) {
        return {
          ok: false,
          message: `Drill \`${drillId}\` is already ${drill.state.replace('_', ' ')}; nothing to abort.`,
        };
      }
      launch(drill, async () => driveDrill(deps, (await deps.store.get(drillId)) ?? drill));
      return { ok: true, message: `Aborting drill \`${drillId}\`: restoring now.` };
    },
    async retry(drillId, actor) {
      const drill = await deps.store.get(drillId);
      if (drill?.state !== 'restore_failed') {
        return { ok: false, message: `Drill \`${drillId}\` is not waiting for a restore.` };
      }
      if (!(await deps.store.update(drillId, { state: 'restoring' }, ['restore_failed']))) {
        return { ok: false, message: `Somebody retried drill \`${drillId}\` at the same moment.` };
      }
      launch(drill, () => retryRestore(deps, { ...drill, state: 'restoring' }, actor));
      return { ok: true, message: `Retrying the restore of drill \`${drillId}\`.` };
    },
    async recover() {
      const now = deps.clock();
      const left = (await deps.store.unfinished()).filter((d) => d.state !== 'restore_failed');
      const taken: Drill[] = [];
      for (const drill of left) {
        if (loops.has(drill.id) || failed.has(drill.id)) continue;
        // A drill another bot is beginning holds its lease from before it was stored.
        if (leases && !(await leases.hold(leaseOf(drill.id)))) continue;
        if (
          await resume(drill, now).catch(async (error: unknown) => {
            // Nothing runs it here: its lease goes back for the next look (here or elsewhere).
            await leases?.drop(leaseOf(drill.id));
            throw error;
          })
        ) {
          taken.push(drill);
        }
      }
      return taken;
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled(loops.values());
    },
    async idle() {
      while (loops.size > 0) await Promise.allSettled([...loops.values()]);
    },
  };
}
