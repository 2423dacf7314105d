/**
 * The one error type of the object store layer. Callers branch on `code`
 * (or on the subclasses): the ingestion service answers 404 for NOT_FOUND,
 * 503 for UNAVAILABLE (the client retries later), 400 for INVALID_KEY and
 * 500 for FAILED (a permanent store problem: missing bucket, access denied).
 */
export type ObjectStoreErrorCode = 'NOT_FOUND' | 'UNAVAILABLE' | 'INVALID_KEY' | 'FAILED';

export class ObjectStoreError extends Error {
  override readonly name: string = 'ObjectStoreError';

  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Retrying the same call later may succeed. */
  get retryable(): boolean {
    return this.code === 'UNAVAILABLE';
  }
}

export class ObjectNotFoundError extends ObjectStoreError {
  override readonly name = 'ObjectNotFoundError';

  constructor(
    readonly key: string,
    where: string,
    options?: { cause?: unknown },
  ) {
    super('NOT_FOUND', `object '${key}' not found in ${where}`, options);
  }
}

/** The store cannot be reached or is overloaded right now (network, 5xx, throttling, disk I/O). */
export class StoreUnavailableError extends ObjectStoreError {
  override readonly name = 'StoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, options);
  }
}

export class InvalidKeyError extends ObjectStoreError {
  override readonly name = 'InvalidKeyError';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super('INVALID_KEY', `invalid object key '${key}': ${reason}`);
  }
}
