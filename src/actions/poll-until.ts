import type { ActionContext, VerifyOptions, VerifyResult } from './types.ts';

/** One look at the live state: keep waiting (`done: false`) or stop with a result. */
export interface Observation {
  done: boolean;
  ok: boolean;
  detail: string;
}

/**
 * Polls `observe` until it is done or the timeout passes (measured on ctx.now, slept with
 * ctx.sleep), reporting each new detail through onProgress. Bounded by iterations too.
 */
export async function pollUntil(
  ctx: ActionContext,
  options: VerifyOptions,
  defaultTimeoutMs: number,
  observe: () => Promise<Observation>,
): Promise<VerifyResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  // Without a fixed interval, start fast (most changes land in a second) and back off to 2 s.
  const interval = (i: number) => options.pollMs ?? Math.min(2_000, 50 * 2 ** i);
  const deadline = ctx.now().getTime() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / Math.max(1, interval(0))) + 2;
  let last = '';
  for (let i = 0; i < maxPolls; i++) {
    const seen = await observe();
    if (seen.detail !== last) {
      last = seen.detail;
      options.onProgress?.(seen.detail);
    }
    if (seen.done) return { ok: seen.ok, detail: seen.detail };
    if (options.signal?.aborted) return { ok: false, detail: `stopped waiting: ${last}` };
    if (ctx.now().getTime() >= deadline) break;
    await ctx.sleep(Math.max(1, interval(i)), options.signal);
  }
  return { ok: false, detail: `not done after ${formatMs(timeoutMs)}: ${last}` };
}

function formatMs(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
