/**
 * The one error type of the catalog layer; callers branch on `code`:
 * - INVALID_INPUT: a row or argument breaks a rule (bad uuid, negative size…) — the client's fault, 400.
 * - UNKNOWN_PROCESS / UNKNOWN_STREAM: the parent row is not in the catalog yet — 4xx, send it first.
 * - CONFLICT: the id exists with a different identity (another process or stream), or a
 *   block's process_id differs from its stream's — 409.
 * - UNAVAILABLE: the database cannot be reached or is busy; retrying later may succeed — 503.
 * - SCHEMA: the schema is missing (migrate() not run) or newer than this binary — 500.
 * - FAILED: anything else the database reported — 500.
 */
export type CatalogErrorCode = 'INVALID_INPUT' | 'UNKNOWN_PROCESS' | 'UNKNOWN_STREAM' | 'CONFLICT' | 'UNAVAILABLE' | 'SCHEMA' | 'FAILED';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.code === 'UNAVAILABLE';
  }
}
