/** What went wrong talking to Prometheus. */
export type PrometheusErrorKind = 'unreachable' | 'timeout' | 'http' | 'bad_response';

/** A failed Prometheus call, with a message a person can act on. */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  readonly kind: PrometheusErrorKind;
  /** HTTP status when Prometheus answered. */
  readonly status: number | undefined;
  /** Prometheus's own error class (`bad_data`, `execution`, `timeout`, ...), when it sent one. */
  readonly errorType: string | undefined;

  constructor(
    kind: PrometheusErrorKind,
    message: string,
    details: { status?: number; errorType?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.errorType = details.errorType;
  }
}
