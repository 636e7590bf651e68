import { describe, expect, it } from 'vitest';
import { createRunObservers } from '../../src/runs/run-observers.ts';
import type { RunObserver, RunView } from '../../src/runs/types.ts';
import { captureLogs } from '../support/slack-logs.ts';

/** Views by run id, as the engine would load them; a progress line shows in the view. */
function views(progress: Map<string, string>) {
  return async (runId: string) =>
    ({
      run: { id: runId, state: 'executing' },
      ...(progress.has(runId) ? { progress: progress.get(runId) } : {}),
    }) as unknown as RunView;
}

/** A real logger; the test reads the error lines back. */
function logCapture() {
  const logs = captureLogs({ level: 'error' });
  return { log: logs.log, errors: () => logs.lines().map((line) => line.msg) };
}

describe('src/runs/run-observers', () => {
  it('tells every observer subscribed after construction, in subscription order, one run at a time', async () => {
    const progress = new Map<string, string>();
    const { log } = logCapture();
    const observers = createRunObservers({
      view: views(progress),
      progress,
      progressIntervalMs: 0,
      log,
    });
    const told: string[] = [];
    const observer = (name: string): RunObserver => ({
      async changed(view) {
        told.push(`${name}:${view.run.id}`);
      },
    });
    observers.subscribe(observer('first'));
    observers.subscribe(observer('second'));
    observers.notify('r1');
    observers.notify('r1');
    await observers.idle();
    expect(told).toEqual(['first:r1', 'second:r1', 'first:r1', 'second:r1']);
  });

  it('a failing observer is logged and the others are still told; unsubscribing stops the calls', async () => {
    const progress = new Map<string, string>();
    const { errors, log } = logCapture();
    const observers = createRunObservers({
      view: views(progress),
      progress,
      progressIntervalMs: 0,
      log,
    });
    const told: string[] = [];
    observers.subscribe({
      async changed() {
        throw new Error('Slack is down');
      },
    });
    const stop = observers.subscribe({
      async changed(view) {
        told.push(view.run.id);
      },
    });
    observers.notify('r1');
    await observers.idle();
    expect(told).toEqual(['r1']);
    expect(errors()).toEqual(['a run observer failed; the run goes on']);
    stop();
    observers.notify('r2');
    await observers.idle();
    expect(told).toEqual(['r1']);
  });

  it('progress lines reach the observers at most once per interval; notes go to observers that take them', async () => {
    const progress = new Map<string, string>();
    const { log } = logCapture();
    const observers = createRunObservers({
      view: views(progress),
      progress,
      progressIntervalMs: 60_000,
      log,
    });
    const seen: (string | undefined)[] = [];
    const notes: string[] = [];
    observers.subscribe({
      async changed(view) {
        seen.push(view.progress);
      },
      note: (runId, line) => void notes.push(`${runId}: ${line}`),
    });
    observers.subscribe({ async changed() {} });
    observers.notifyProgress('r1', '1 of 3 pods updated');
    observers.notifyProgress('r1', '2 of 3 pods updated');
    await observers.idle();
    // One call within the interval; the view it gets carries the latest line.
    expect(seen).toEqual(['2 of 3 pods updated']);
    expect(progress.get('r1')).toBe('2 of 3 pods updated');
    observers.note('r1', 'Canary step 1 of 4 reached');
    expect(notes).toEqual(['r1: Canary step 1 of 4 reached']);
  });
});
