import { describe, expect, it } from 'vitest';
import { createChannelQueue, type JobResult } from '../../../src/slack/triage/channel-queue.ts';

/** A job that records when it started, under a name. */
function recorder() {
  const runs: { name: string; at: number }[] = [];
  const job =
    (name: string, result?: JobResult, ms = 5) =>
    async (): Promise<JobResult> => {
      runs.push({ name, at: performance.now() });
      await new Promise((resolve) => setTimeout(resolve, ms));
      return result;
    };
  return { runs, job };
}

describe('src/slack/triage/channel-queue', () => {
  it('starts the calls of one channel at least the interval apart, channels in parallel', async () => {
    const queue = createChannelQueue({ minIntervalMs: 100 });
    const { runs, job } = recorder();
    for (const key of ['a', 'b', 'c']) queue.push('#one', key, job(`one-${key}`));
    queue.push('#two', 'a', job('two-a'));
    await queue.idle(5_000);
    const one = runs.filter((r) => r.name.startsWith('one'));
    expect(one.map((r) => r.name)).toEqual(['one-a', 'one-b', 'one-c']);
    for (let i = 1; i < one.length; i += 1) {
      expect(one[i]!.at - one[i - 1]!.at).toBeGreaterThanOrEqual(99);
    }
    const two = runs.find((r) => r.name === 'two-a')!;
    expect(two.at - one[0]!.at).toBeLessThan(50);
  });

  it('collapses jobs waiting under one key into the latest, keeping its place', async () => {
    const queue = createChannelQueue({ minIntervalMs: 80 });
    const { runs, job } = recorder();
    queue.push('#c', 'inc-1', job('v1'));
    for (const v of ['v2', 'v3', 'v4', 'v5']) queue.push('#c', 'inc-1', job(v));
    queue.push('#c', 'inc-2', job('other'));
    queue.push('#c', 'inc-1', job('v6'));
    await queue.idle(5_000);
    expect(runs.map((r) => r.name)).toEqual(['v1', 'v6', 'other']);
  });

  it('pauses every channel for Retry-After and tries the limited job again first', async () => {
    const queue = createChannelQueue({ minIntervalMs: 10 });
    const { runs, job } = recorder();
    let limited = true;
    queue.push('#a', 'x', async () => {
      runs.push({ name: 'x', at: performance.now() });
      if (!limited) return undefined;
      limited = false;
      return { retryAfterMs: 300 };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    queue.push('#a', 'y', job('y'));
    queue.push('#b', 'z', job('z'));
    await queue.idle(5_000);
    // Lane #a retries x before y; lane #b waited out the same pause.
    expect(runs.filter((r) => r.name !== 'z').map((r) => r.name)).toEqual(['x', 'x', 'y']);
    expect(runs.filter((r) => r.name === 'z')).toHaveLength(1);
    const first = runs[0]!.at;
    for (const r of runs.slice(1)) expect(r.at - first).toBeGreaterThanOrEqual(299);
  });

  it('keeps a newer job over the limited one when both wait under one key', async () => {
    const queue = createChannelQueue({ minIntervalMs: 10 });
    const names: string[] = [];
    queue.push('#a', 'k', async () => {
      names.push('old');
      queue.push('#a', 'k', async () => {
        names.push('new');
        return undefined;
      });
      return { retryAfterMs: 50 };
    });
    await queue.idle(5_000);
    expect(names).toEqual(['old', 'new']);
  });

  it('drops what waits on close, and idle() resolves', async () => {
    const queue = createChannelQueue({ minIntervalMs: 10_000 });
    const { runs, job } = recorder();
    queue.push('#a', '1', job('1'));
    queue.push('#a', '2', job('2'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    queue.close();
    await queue.idle(1_000);
    expect(runs.map((r) => r.name)).toEqual(['1']);
    expect(queue.size()).toBe(0);
  });
});
