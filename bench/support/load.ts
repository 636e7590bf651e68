import { Agent, request } from 'node:http';

/** One prepared request: the body and headers are built before the clock starts. */
export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Latency samples (ms) and how many answers were not 200. */
export interface LoadResult {
  samples: number[];
  failures: number;
  wallMs: number;
}

/** Sends every request to url with at most `concurrency` in flight over keep-alive sockets. */
export async function runLoad(
  url: string,
  requests: PreparedRequest[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const samples: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const item = requests[next];
      next += 1;
      if (!item) break;
      const t0 = performance.now();
      const status = await post(agent, target, item);
      samples.push(performance.now() - t0);
      if (status !== 200) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { samples, failures, wallMs };
}

function post(agent: Agent, url: URL, item: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...item.headers, 'content-length': Buffer.byteLength(item.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(item.body);
  });
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
