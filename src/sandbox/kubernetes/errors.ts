import type { ResourceDef } from './resources.ts';

/** The `Status` body the API server sends with every error. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: unknown[] };
  code: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The reason the API server pairs with an HTTP status code. */
export function reasonForCode(code: number): string {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : 'Unknown');
}

/** An error the emulator answers with: an HTTP status plus its Status body. */
export class KubeError extends Error {
  readonly body: StatusBody;
  /** Set for requests the emulator does not serve at all (unknown path, method, watch). */
  unexpected = false;
  constructor(code: number, message: string, reason?: string, details?: StatusBody['details']) {
    super(message);
    this.body = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: reason ?? reasonForCode(code),
      ...(details ? { details } : {}),
      code,
    };
  }
  get code(): number {
    return this.body.code;
  }
}

/** `deployments.apps`, `pods`, `rollouts.argoproj.io`: how the API server names a resource. */
export function qualifiedName(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

function details(def: ResourceDef, name: string) {
  return { name, ...(def.group ? { group: def.group } : {}), kind: def.plural };
}

/** 404 for a named object that does not exist. */
export function notFound(def: ResourceDef, name: string): KubeError {
  return new KubeError(
    404,
    `${qualifiedName(def)} "${name}" not found`,
    'NotFound',
    details(def, name),
  );
}

/** 409 AlreadyExists for a create whose name is taken. */
export function alreadyExists(def: ResourceDef, name: string): KubeError {
  return new KubeError(
    409,
    `${qualifiedName(def)} "${name}" already exists`,
    'AlreadyExists',
    details(def, name),
  );
}

/** 409 Conflict for a write carrying a stale resourceVersion or failed precondition. */
export function conflict(def: ResourceDef, name: string, why?: string): KubeError {
  const because =
    why ??
    'the object has been modified; please apply your changes to the latest version and try again';
  return new KubeError(
    409,
    `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": ${because}`,
    'Conflict',
    details(def, name),
  );
}

/** 422 Invalid with one field cause, worded like the API server's validation errors. */
export function invalid(def: ResourceDef, name: string, field: string, problem: string): KubeError {
  const groupKind = def.group ? `${def.kind}.${def.group}` : def.kind;
  return new KubeError(422, `${groupKind} "${name}" is invalid: ${field}: ${problem}`, 'Invalid', {
    ...details(def, name),
    kind: def.kind,
    causes: [{ reason: 'FieldValueInvalid', message: problem, field }],
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeError {
  return new KubeError(400, message, 'BadRequest');
}

/** An error for a request outside what the emulator serves; it is recorded as unexpected. */
export function unsupported(code: number, message: string): KubeError {
  const error = new KubeError(code, message);
  error.unexpected = true;
  return error;
}
