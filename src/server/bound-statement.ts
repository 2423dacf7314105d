import type { DuckDBPreparedStatement } from '@duckdb/node-api';

/**
 * Statements prepared at Execute rather than at Parse: over telemetry views, which must be prepared
 * after their TEMP VIEWs point at the partition files of the execution (DuckDB does not re-bind a
 * prepared statement when a view it reads is replaced), and with `$n::numeric` casts, whose text
 * carries the bound values' scales (server/numeric-params.ts). When an execution prepares a text
 * prepared before over the very same relations — the warm case: same files, so the TEMP VIEW
 * versions did not move; same scales — that statement is still right, and preparing again
 * (~1 ms over Parquet) is skipped. One per PreparedQuery; a portal takes a statement and gives it back.
 */
export class BoundStatementSlot {
  /** Oldest first; a few, so statements bound alternately to values of two scales both stay warm. */
  private parked: { stmt: DuckDBPreparedStatement; key: BoundKey }[] = [];
  private closed = false;

  /**
   * The statement parked for this text if it was prepared over exactly these view versions.
   * Statements prepared over other versions are stale: they are freed.
   */
  take(key: BoundKey): DuckDBPreparedStatement | null {
    let found: DuckDBPreparedStatement | null = null;
    this.parked = this.parked.filter((p) => {
      if (!sameVersions(p.key, key)) p.stmt.destroySync();
      else if (p.key.sql === key.sql && !found) found = p.stmt;
      else return true;
      return false;
    });
    return found;
  }

  /** Back from a finished portal: kept for the next executions, unless this text is already parked. */
  give(stmt: DuckDBPreparedStatement, key: BoundKey): void {
    if (this.closed || this.parked.some((p) => p.key.sql === key.sql)) {
      stmt.destroySync();
      return;
    }
    this.parked.push({ stmt, key });
    if (this.parked.length > MAX_PARKED) this.parked.shift()!.stmt.destroySync();
  }

  /** The statement itself is freed: so is what it parked. */
  close(): void {
    this.closed = true;
    for (const p of this.parked.splice(0)) p.stmt.destroySync();
  }
}

const MAX_PARKED = 4;

/**
 * What a statement prepared at Execute depends on. The text matters as well as
 * the versions: with view_instance parameters one PreparedQuery runs as
 * different texts (ids a, b, then b, a read the same TEMP VIEWs the other way round).
 */
export interface BoundKey {
  sql: string;
  versions: Map<string, number>;
}

function sameVersions(a: BoundKey, b: BoundKey): boolean {
  return a.versions.size === b.versions.size && [...a.versions].every(([k, v]) => b.versions.get(k) === v);
}
