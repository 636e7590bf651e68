/** What went wrong talking to Alertmanager. */
export type AlertmanagerErrorKind = 'unreachable' | 'timeout' | 'http' | 'bad_response';

/** A failed Alertmanager call, with a message a person can act on. */
export class AlertmanagerError extends Error {
  override readonly name = 'AlertmanagerError';
  readonly kind: AlertmanagerErrorKind;
  /** HTTP status when Alertmanager answered. */
  readonly status: number | undefined;

  constructor(
    kind: AlertmanagerErrorKind,
    message: string,
    details: { status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
  }
}
