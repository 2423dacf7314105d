import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBResult, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { syncAddon } from './sync-addon.js';

/**
 * Runs a bound prepared statement as a streaming result with as few trips
 * through libuv's thread pool as the work allows (docs/decisions.md, "Small
 * results without thread-pool hops"):
 *
 * - DuckDB's own worker threads run its tasks while the calling thread polls
 *   its state for at most SYNC_BUDGET_NS; a query that is ready by then
 *   (finished, or its first rows buffered) is opened without leaving the
 *   thread, otherwise the thread pool finishes it;
 * - once DuckDB reports the execution finished, the remaining chunks are
 *   already buffered and are read on the calling thread; before that, each
 *   chunk is fetched on the thread pool (a fetch may run the query's work).
 *
 * A `SELECT 1` thus costs no thread-pool trip instead of three. The calling
 * thread never runs a task itself: a DuckDB task is coarse and unbounded (one
 * task of a cross join over two table functions ran 47 s), and the event loop
 * it would block serves every session, their cancels and timeouts included.
 * Polling needs a worker thread: `mayWaitHere` is false when DuckDB has none,
 * and for statements known to be long (those over telemetry views). Nor does
 * the thread poll while another statement waits on the thread pool: with many
 * sessions busy, a polling event loop only holds up the others (8 sessions of
 * `SELECT random()`: 6.9k instead of 5.7k statements/s).
 */
const SYNC_BUDGET_NS = 1_000_000n;

const { RESULT_READY, ERROR } = duckdb.PendingState;

/** The raw handles of @duckdb/node-api objects (pinned by test/unit/engine/run-prepared.test.ts). */
function handleOf(stmt: DuckDBPreparedStatement): duckdb.PreparedStatement {
  return (stmt as unknown as { prepared_statement: duckdb.PreparedStatement }).prepared_statement;
}
function connectionHandleOf(connection: DuckDBConnection): duckdb.Connection {
  return (connection as unknown as { connection: duckdb.Connection }).connection;
}

/** How statements were run since start: opened / fetched on the calling thread or on the thread pool. */
export const runCounters = {
  openedHere: 0,
  openedInPool: 0,
  fetchedHere: 0,
  fetchedInPool: 0,
  /** Statements waiting now for DuckDB on the thread pool: while there are, polling would only hold them up. */
  waitingInPool: 0,
};

export interface PreparedRun {
  readonly result: DuckDBResult;
  /** The next chunk (null or empty at the end). */
  fetch(): Promise<DuckDBDataChunk | null>;
}

export async function runPrepared(connection: DuckDBConnection, stmt: DuckDBPreparedStatement, mayWaitHere = true): Promise<PreparedRun> {
  const conn = connectionHandleOf(connection);
  let raw: duckdb.Result | null = null;
  if (!mayWaitHere) {
    // even creating the pending result initializes the executor, which for a Parquet scan reads file
    // metadata and prunes row groups (~4 ms over one 10M-row partition file): all of it on the pool
    raw = await duckdb.execute_prepared_streaming(handleOf(stmt));
    runCounters.openedInPool++;
    return streamOf(conn, raw);
  }
  const pending = duckdb.pending_prepared_streaming(handleOf(stmt));
  const started = process.hrtime.bigint();
  const spin = runCounters.waitingInPool === 0;
  for (;;) {
    const state = duckdb.pending_execute_check_state(pending);
    // the C API reports a finished execution as ERROR without a message: ready too
    const error = state === ERROR ? duckdb.pending_error(pending) : '';
    if (state === RESULT_READY || (state === ERROR && !error)) {
      raw = syncAddon.executePending(pending);
      runCounters.openedHere++;
      break;
    }
    if (state === ERROR) throw new Error(error);
    // a small query is done by a DuckDB thread in tens of µs: asking again beats a trip through the thread pool
    if (!spin || process.hrtime.bigint() - started > SYNC_BUDGET_NS) break;
  }
  if (!raw) {
    runCounters.waitingInPool++;
    try {
      raw = await duckdb.execute_pending(pending);
    } finally {
      runCounters.waitingInPool--;
    }
    runCounters.openedInPool++;
  }
  return streamOf(conn, raw);
}

function streamOf(conn: duckdb.Connection, handle: duckdb.Result): PreparedRun {
  let finished = false;
  return {
    result: new DuckDBResult(handle),
    async fetch() {
      // once finished it stays finished: every remaining row is buffered
      finished ||= syncAddon.executionIsFinished(conn);
      if (finished) runCounters.fetchedHere++;
      else runCounters.fetchedInPool++;
      const chunk = finished ? syncAddon.fetchChunk(handle) : await duckdb.fetch_chunk(handle);
      if (chunk && duckdb.data_chunk_get_size(chunk) > 0) return new DuckDBDataChunk(chunk);
      // the end, or a failure: @duckdb/node-bindings' fetch_chunk answers an empty chunk or null for a query that
      // failed mid-stream, and that must never look like the end of the rows
      const error = syncAddon.resultError(handle);
      if (error !== null) throw new Error(error);
      return null;
    },
  };
}
