import type { ApiException } from '@kubernetes/client-node';

/** Which object a Kubernetes call was about, so an error can name it. */
export interface KubeObjectRef {
  context: string;
  namespace: string;
  kind: string;
  name: string;
}

export interface KubeErrorInit {
  /** HTTP status from the API server; 0 when it was not reached. */
  status: number;
  /** The Status `reason` (NotFound, Conflict, Invalid...) or a local one (Unreachable). */
  reason: string;
  message: string;
  cause?: unknown;
}

/** A failed Kubernetes call, with a message naming the object, the context and what to do. */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly status: number;
  readonly reason: string;

  constructor(init: KubeErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.reason = init.reason;
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return { message: body.slice(0, 200) };
  }
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** `Deployment checkout/checkout in context gke_…`: how messages name an object. */
export function describeRef(ref: KubeObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name} in context ${ref.context}`;
}

function explain(status: number, reason: string, detail: string, ref: KubeObjectRef, verb: string) {
  const what = `${ref.kind} ${ref.namespace}/${ref.name}`;
  const where = `context ${ref.context}`;
  if (status === 404) return `${what} not found in ${where}`;
  if (status === 409 && reason === 'Conflict') {
    return `${what} in ${where} changed while mc was ${verb} it (409 Conflict); nothing was written. Plan again to see its current state.`;
  }
  if (status === 401 || status === 403) {
    return `Kubernetes refused ${verb} ${what} in ${where}: ${detail} (${status} ${reason}). Check the credentials and RBAC of that context.`;
  }
  return `Kubernetes refused ${verb} ${what} in ${where}: ${detail} (${status} ${reason})`;
}

/**
 * client-node's ApiException, recognised by its shape: importing the class would load
 * client-node wherever the adapters are imported (`mc validate` among them).
 */
function isApiException(error: unknown): error is ApiException<unknown> {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'number' &&
    'body' in error &&
    typeof (error as { headers?: unknown }).headers === 'object'
  );
}

/** Turns what client-node threw (ApiException, network error) into a KubeError about `ref`. */
export function toKubeError(error: unknown, ref: KubeObjectRef, verb: string): KubeError {
  if (error instanceof KubeError) return error;
  if (isApiException(error)) {
    const code = Number(error.code);
    const body = statusBody(error.body);
    const reason = body.reason || REASONS[code] || 'Unknown';
    const detail = body.message || `HTTP ${code}`;
    return new KubeError({
      status: code,
      reason,
      message: explain(code, reason, detail, ref, verb),
      cause: error,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new KubeError({
    status: 0,
    reason: 'Unreachable',
    message: `cannot reach the Kubernetes API of context ${ref.context} while ${verb} ${ref.kind} ${ref.namespace}/${ref.name}: ${text}`,
    cause: error,
  });
}

/** Runs one client-node call, rethrowing any failure as a KubeError about `ref`. */
export async function kubeCall<T>(
  ref: KubeObjectRef,
  verb: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKubeError(error, ref, verb);
  }
}
