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
  private parked: { stmt: DuckDBPreparedStatement; versions: Map<string, number> } | null = null;
  private closed = false;

  /** The parked statement if it was prepared over exactly these view versions; anything else is freed. */
  take(versions: Map<string, number>): DuckDBPreparedStatement | null {
    const parked = this.parked;
    this.parked = null;
    if (!parked) return null;
    if (sameVersions(parked.versions, versions)) return parked.stmt;
    parked.stmt.destroySync();
    return null;
  }

  /** Back from a finished portal: kept for the next execution unless one is already parked. */
  give(stmt: DuckDBPreparedStatement, versions: Map<string, number>): void {
    if (this.closed || this.parked) {
      stmt.destroySync();
      return;
    }
    this.parked = { stmt, versions };
  }

  /** The statement itself is freed: so is what it parked. */
  close(): void {
    this.closed = true;
    this.parked?.stmt.destroySync();
    this.parked = null;
  }
}

function sameVersions(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
