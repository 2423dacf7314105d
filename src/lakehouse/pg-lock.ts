import { PgCatalog, type Catalog } from '../datalake/catalog/index.js';
import { PROCESS_LOCAL_LOCK, type BuildLock } from './single-flight.js';

/**
 * Builds serialized across every process sharing a PostgreSQL catalog: a
 * transaction-scoped advisory lock per partition key (pg_advisory_xact_lock),
 * held for the build. A waiter then re-checks the catalog before building
 * (Lakehouse.materialize), so N nodes needing one cold partition build it once.
 */
export class PgBuildLock implements BuildLock {
  constructor(private readonly catalog: PgCatalog) {}

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.catalog.withAdvisoryLock(`build.${key}`, fn);
  }
}

/** The lock that matches the catalog: advisory locks on PostgreSQL; the embedded catalog is one process's. */
export function buildLockFor(catalog: Catalog): BuildLock {
  return catalog instanceof PgCatalog ? new PgBuildLock(catalog) : PROCESS_LOCAL_LOCK;
}
