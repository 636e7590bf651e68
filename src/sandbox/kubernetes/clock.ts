/** The emulator's virtual clock: starts at real time, moves only when ticks or tests move it. */
export interface Clock {
  now(): number;
  iso(): string;
  advance(ms: number): void;
}

/** A clock that starts at `start` (epoch ms) and advances only through `advance`. */
export function createClock(start: number = Date.now()): Clock {
  let current = start;
  return {
    now: () => current,
    iso: () => new Date(current).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    advance(ms) {
      if (ms < 0) throw new Error('kube emulator: time cannot go backwards');
      current += ms;
    },
  };
}
