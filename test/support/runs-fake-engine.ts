import type { EngineOutcome, RunEngine, RunView } from '../../src/runs/types.ts';

type Method = Exclude<keyof RunEngine, 'idle' | 'subscribe'>;

/** A call the fake engine received. */
export interface EngineCall {
  method: Method;
  args: unknown[];
}

/** A hand-written RunEngine: answers from `views`, or what a test put in `next`; records calls. */
export interface FakeEngine extends RunEngine {
  calls: EngineCall[];
  views: Map<string, RunView>;
  /** The answer of the next call of a method (then back to the default). */
  next: Partial<Record<Method, EngineOutcome[]>>;
  callsOf(method: Method): unknown[][];
}

/** Default: every click succeeds with the run's current view; unknown runs are not_found. */
export function createFakeEngine(initial: RunView[] = []): FakeEngine {
  const views = new Map(initial.map((v) => [v.run.id, v]));
  const calls: EngineCall[] = [];
  const next: FakeEngine['next'] = {};
  const answer = async (method: Method, runId: string, args: unknown[]): Promise<EngineOutcome> => {
    calls.push({ method, args });
    const queued = next[method]?.shift();
    if (queued) return queued;
    const view = views.get(runId);
    if (!view) return { ok: false, code: 'not_found', message: `There is no run ${runId}.` };
    return { ok: true, view };
  };
  return {
    calls,
    views,
    next,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    subscribe: () => () => {},
    async request(request) {
      calls.push({ method: 'request', args: [request] });
      const queued = next.request?.shift();
      if (queued) return queued;
      return { ok: false, code: 'not_allowed', message: 'fake engine: no run configured' };
    },
    async attachMessage(runId, message) {
      calls.push({ method: 'attachMessage', args: [runId, message] });
      const view = views.get(runId);
      if (view) views.set(runId, { ...view, message });
    },
    confirm: (runId, actor, hash) => answer('confirm', runId, [runId, actor, hash]),
    approve: (runId, actor, hash, comment) =>
      answer('approve', runId, [runId, actor, hash, comment]),
    reject: (runId, actor, reason) => answer('reject', runId, [runId, actor, reason]),
    cancel: (runId, actor) => answer('cancel', runId, [runId, actor]),
    revert: (runId, actor) => answer('revert', runId, [runId, actor]),
    resume: (runId, actor) => answer('resume', runId, [runId, actor]),
    async get(runId) {
      calls.push({ method: 'get', args: [runId] });
      return views.get(runId);
    },
    requirements(input) {
      calls.push({ method: 'requirements', args: [input] });
      return undefined;
    },
    async permits(input) {
      calls.push({ method: 'permits', args: [input] });
      return { ok: true };
    },
    async authorize(runId, actor, decision) {
      calls.push({ method: 'authorize', args: [runId, actor, decision] });
      const view = views.get(runId);
      return view ? { ok: true, view } : { ok: false, message: `There is no run ${runId}.` };
    },
    async active() {
      return [...views.values()];
    },
    async recoverInterrupted() {
      return [];
    },
    async expireStale() {
      return [];
    },
    async idle() {},
  };
}
