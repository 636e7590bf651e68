/** The database could not be reached or failed mid-request: the caller did nothing. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`storage unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'StorageUnavailableError';
  }
}

/** True when error (or one of its causes) says the store was unavailable. */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof StorageUnavailableError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Another writer took the embedded store's data dir: this process must write nothing more. */
export class StoreFencedError extends Error {
  constructor(readonly reason: string) {
    super(
      `the store stopped: ${reason}. Stop every other mc on this data dir, then restart this one.`,
    );
    this.name = 'StoreFencedError';
  }
}
