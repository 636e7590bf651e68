import { KubeError } from './errors.ts';

/** A fault to inject: the next matching requests fail with this status and a Status body. */
export interface Fault {
  status: number;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Matches the API path (without `/clusters/NAME`): a RegExp, or a substring. */
  pathPattern?: RegExp | string;
  /** Only requests to this cluster (any when absent). */
  cluster?: string;
  reason?: string;
  message?: string;
}

/** One request the emulator served, for assertions. */
export interface RecordedRequest {
  method: string;
  /** The API path, without any `/clusters/NAME` prefix and without the query. */
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  cluster: string;
  body: unknown;
  /** The HTTP status answered. */
  status: number;
  /** Set when the answer came from `failNext`. */
  injected?: boolean;
  /** Who the request ran as once authenticated (the impersonated user, if any). */
  user?: { username: string; groups: string[] };
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export interface FaultPlan {
  failNext(count: number, fault: Fault): void;
  /** The injected error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string, cluster: string): KubeError | undefined;
  pending(): number;
}

function matches(fault: Fault, method: string, path: string, cluster: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (fault.cluster && fault.cluster !== cluster) return false;
  const pattern = fault.pathPattern;
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

/** Creates an empty plan of injected failures. */
export function createFaultPlan(): FaultPlan {
  const armed: ArmedFault[] = [];
  return {
    failNext(count, fault) {
      if (!Number.isInteger(count) || count < 1)
        throw new Error('kube emulator: failNext count must be a positive integer');
      if (fault.status < 400 || fault.status > 599)
        throw new Error('kube emulator: failNext status must be 4xx or 5xx');
      armed.push({ fault, remaining: count });
    },
    take(method, path, cluster) {
      const found = armed.find((a) => a.remaining > 0 && matches(a.fault, method, path, cluster));
      if (!found) return undefined;
      found.remaining--;
      if (found.remaining === 0) armed.splice(armed.indexOf(found), 1);
      const { status, reason, message } = found.fault;
      return new KubeError(
        status,
        message ?? `kube emulator: injected failure (${status})`,
        reason,
      );
    },
    pending: () => armed.reduce((n, a) => n + a.remaining, 0),
  };
}
