/**
 * Slack requests the front server has received and not yet answered. The work that follows an
 * ack (parsing, store writes, posting the answer) waits until this is zero, so it never delays
 * another request's ack: Slack gives up on an ack after 3 s, an answer can come later.
 */
export interface AcksPending {
  count: number;
  /** Work waiting for the count to reach zero. */
  waiters: Set<() => void>;
}

/** One counter per front server. */
export function createAcksPending(): AcksPending {
  return { count: 0, waiters: new Set() };
}

/** Counts a Slack request until its response is done (sent, or the client went away). */
export function trackAck(
  pending: AcksPending,
  res: { once(event: 'close', fn: () => void): unknown },
) {
  pending.count += 1;
  res.once('close', () => {
    pending.count -= 1;
    if (pending.count === 0 && pending.waiters.size > 0) {
      const waiters = [...pending.waiters];
      pending.waiters.clear();
      for (const wake of waiters) wake();
    }
  });
}

function isAcksPending(value: unknown): value is AcksPending {
  return (
    typeof value === 'object' && value !== null && (value as AcksPending).waiters instanceof Set
  );
}

/**
 * Resolves once no Slack request waits for its ack, or after maxWaitMs at most (work is
 * delayed, never starved), always after pending I/O callbacks have run. Without a counter
 * (Socket Mode), it only yields to I/O.
 */
export async function yieldToAcks(pending: unknown, maxWaitMs = 200): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (!isAcksPending(pending) || pending.count === 0) return;
  await new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      pending.waiters.delete(wake);
      setImmediate(resolve);
    };
    const timer = setTimeout(wake, maxWaitMs);
    pending.waiters.add(wake);
  });
}
