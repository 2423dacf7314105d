import { createRequire } from 'node:module';
import type duckdb from '@duckdb/node-bindings';

/**
 * native/duckdb_sync.c: duckdb_execute_pending and duckdb_fetch_chunk on the
 * calling thread, for results whose work is already done (docs/decisions.md,
 * "Small results without thread-pool hops"). Built by `npm install`
 * (`npm run build:native`); a missing build is an installation error.
 */
export interface SyncAddon {
  executePending(pending: duckdb.PendingResult): duckdb.Result;
  fetchChunk(result: duckdb.Result): duckdb.DataChunk | null;
  /** The error that ended a result, if any: the bindings' fetch_chunk answers null for it. */
  resultError(result: duckdb.Result): string | null;
  executionIsFinished(connection: duckdb.Connection): boolean;
  /** Element rows[k] of a VARCHAR vector ← bytes[ends[k-1], ends[k]) (UTF-8), for k < count: one call for a chunk's strings. */
  assignStrings(vector: duckdb.Vector, rows: Uint32Array, bytes: Uint8Array, ends: Uint32Array, count: number): void;
  /**
   * DataRows in text format for columns of `kinds` (native/text_rows.h); state = [pos, fromRow, toRow, needed].
   * Returns 0 done, 1 the next row needs state[3] free bytes, 2 the next row is declined.
   */
  encodeTextRows(chunk: object, kinds: Int32Array, out: Uint8Array, state: Float64Array): number;
}

function load(): SyncAddon {
  const require = createRequire(import.meta.url);
  try {
    // the same path from src/engine (tsx) and dist/engine (built)
    return require('../../native/build/Release/duckdb_sync.node') as SyncAddon;
  } catch (err) {
    throw new Error(`Sirius's native DuckDB helper is not built (run \`npm run build:native\`): ${(err as Error).message}`, { cause: err });
  }
}

export const syncAddon: SyncAddon = load();
