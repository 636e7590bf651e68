/** Runs tasks one at a time per key, in arrival order; tasks of different keys run in parallel. */
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void>;
}

/** A queue that forgets a key once its last task settled, so memory follows the work in hand. */
export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    async idle() {
      for (let round = 0; round < 1000 && tails.size > 0; round += 1) {
        await Promise.all([...tails.values()]);
      }
    },
  };
}
