import type { DuckDBPreparedStatement } from '@duckdb/node-api';

/**
 * A statement over telemetry views must be prepared after its TEMP VIEWs
 * point at the partition files of its execution (DuckDB does not re-bind a
 * prepared statement when a view it reads is replaced). When the next
 * execution binds the very same relations — the warm case: same files, so
 * the TEMP VIEW versions did not move — the statement prepared last time is
 * still right, and preparing again (~1 ms over Parquet) is skipped.
 * One slot per PreparedQuery; a portal takes the statement and gives it back.
 */
export class BoundStatementSlot {
  private parked: { stmt: DuckDBPreparedStatement; key: BoundKey } | null = null;
  private closed = false;

  /** The parked statement if it was prepared from this text over exactly these view versions; anything else is freed. */
  take(key: BoundKey): DuckDBPreparedStatement | null {
    const parked = this.parked;
    this.parked = null;
    if (!parked) return null;
    if (sameKey(parked.key, key)) return parked.stmt;
    parked.stmt.destroySync();
    return null;
  }

  /** Back from a finished portal: kept for the next execution unless one is already parked. */
  give(stmt: DuckDBPreparedStatement, key: BoundKey): void {
    if (this.closed || this.parked) {
      stmt.destroySync();
      return;
    }
    this.parked = { stmt, key };
  }

  /** The statement itself is freed: so is what it parked. */
  close(): void {
    this.closed = true;
    this.parked?.stmt.destroySync();
    this.parked = null;
  }
}

/**
 * What a statement prepared at Execute depends on. The text matters as well as
 * the versions: with view_instance parameters one PreparedQuery runs as
 * different texts (ids a, b, then b, a read the same TEMP VIEWs the other way round).
 */
export interface BoundKey {
  sql: string;
  versions: Map<string, number>;
}

function sameKey(a: BoundKey, b: BoundKey): boolean {
  return a.sql === b.sql && a.versions.size === b.versions.size && [...a.versions].every(([k, v]) => b.versions.get(k) === v);
}
