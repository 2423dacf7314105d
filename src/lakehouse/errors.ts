import { CatalogError } from '../datalake/catalog/index.js';
import { ObjectStoreError } from '../datalake/objectstore/index.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * The lakehouse answers the server with PgError only (the one error type that
 * crosses layers): bad references are the client's fault (42P01, 22023);
 * a catalog or object store failure is an I/O error that may go away (58030).
 */
export function unknownViewSet(name: string, valid: readonly string[]): PgError {
  return new PgError(SqlState.UndefinedTable, `view set "${name}" does not exist`, { hint: `view sets: ${valid.join(', ')}` });
}

export function invalidInstance(message: string, hint?: string): PgError {
  return new PgError(SqlState.InvalidParameterValue, message, { hint });
}

export function invalidRange(message: string): PgError {
  return new PgError(SqlState.InvalidParameterValue, message);
}

/** Anything that went wrong while planning or building, as a PgError naming the step. */
export function lakehouseFailure(err: unknown, what: string): PgError {
  if (err instanceof PgError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof CatalogError || err instanceof ObjectStoreError) {
    const hint = err.retryable ? 'the catalog or object store is unavailable; retry later' : undefined;
    return new PgError(SqlState.IoError, `lakehouse: ${what}: ${message}`, { hint, cause: err });
  }
  return new PgError(SqlState.InternalError, `lakehouse: ${what}: ${message}`, { cause: err });
}
