import { BlockFormatError } from '../datalake/block/index.js';
import { CatalogError, type CatalogErrorCode } from '../datalake/catalog/index.js';
import { ObjectStoreError } from '../datalake/objectstore/index.js';

/**
 * The one error type of the ingestion layer: an HTTP status and a message
 * for the client. Errors of the layers below are turned into it by
 * toIngestError(), the only place that decides a status.
 */
export class IngestError extends Error {
  override readonly name = 'IngestError';

  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The SDK retries these with the same bytes (docs/block-format.md §7). */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

const CATALOG_STATUS: Record<CatalogErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_PROCESS: 422,
  UNKNOWN_STREAM: 422,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  SCHEMA: 500,
  FAILED: 500,
};

export function toIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  if (err instanceof BlockFormatError) return new IngestError(400, `invalid block: ${err.message}`, { cause: err });
  if (err instanceof CatalogError) return new IngestError(CATALOG_STATUS[err.code], `catalog: ${err.message}`, { cause: err });
  if (err instanceof ObjectStoreError) {
    return new IngestError(err.retryable ? 503 : 500, `object store: ${err.message}`, { cause: err });
  }
  return new IngestError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
