export type PagerDutyErrorKind = 'http' | 'timeout' | 'network' | 'invalid_response';

export interface PagerDutyErrorInit {
  kind: PagerDutyErrorKind;
  method: string;
  path: string;
  status?: number;
  /** PagerDuty's own `error.message`, or a description of what went wrong locally. */
  pagerDutyMessage: string;
  code?: number;
  errors?: string[];
  cause?: unknown;
}

/** Any failure talking to PagerDuty, with its HTTP status and PagerDuty's message when known. */
export class PagerDutyError extends Error {
  override readonly name = 'PagerDutyError';
  readonly kind: PagerDutyErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly pagerDutyMessage: string;
  /** PagerDuty's error code (2006 authentication, 2100 not found, 1001 already resolved...). */
  readonly code: number | undefined;
  readonly errors: string[];

  constructor(init: PagerDutyErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.pagerDutyMessage = init.pagerDutyMessage;
    this.code = init.code;
    this.errors = init.errors ?? [];
  }
}

// Codes PagerDuty returns when the From header is missing, malformed or names no user.
const FROM_CODES = new Set([2016, 1028, 1008]);

function describe(init: PagerDutyErrorInit): string {
  const where = `PagerDuty ${init.method} ${init.path}`;
  const status = init.status === undefined ? '' : ` ${init.status}`;
  const code = init.code === undefined ? '' : ` (code ${init.code})`;
  const details = init.errors?.length ? `: ${init.errors.join('; ')}` : '';
  const text = `${where} failed${status}: ${init.pagerDutyMessage}${code}${details}`;
  return `${text}${hint(init)}`;
}

function hint(init: PagerDutyErrorInit): string {
  if (init.status === 401) return '. Check PAGERDUTY_TOKEN: it must be a valid REST API key.';
  if (init.status === 403) {
    return '. The API key may be read-only or lack access to this resource.';
  }
  if (init.code !== undefined && FROM_CODES.has(init.code)) {
    return '. The From header must be the email of a PagerDuty user.';
  }
  return '';
}
