import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api';
import type { PgError } from '../wire/pg-error.js';
import { toPgError } from './errors.js';
import { runPrepared, type PreparedRun } from './run-prepared.js';

/**
 * The DuckDB side of Sirius: one database instance per server, one
 * connection per client session. Everything that leaves this module as an
 * error is a PgError (toPgError is the only mapping).
 */
export interface EngineOptions {
  /** e.g. '4GB'; empty: DuckDB's default. */
  memoryLimit: string;
  /** 0: DuckDB's default. */
  threads: number;
  timeZone: string;
  /** Where DuckDB spills when a query exceeds the memory limit. */
  tempDirectory?: string;
}

export class Engine {
  /**
   * Bumped by every statement that may change data, schema or settings, in
   * any session: prepared statements cached before a change are prepared
   * again (DuckDB may otherwise replay a plan built for the old state).
   */
  generation = 0;

  /** Statements DuckDB prepared, in every session (system views, tests). */
  readonly counters = { prepares: 0 };

  /** Bumped by every statement that may define or drop a function or macro (server/constant-results.ts). */
  functionVersion = 0;

  /** DuckDB's worker threads besides the caller's: without one, nothing runs a statement the caller only polls. */
  get workerThreads(): number {
    return this.workers;
  }

  /** Called after the DuckDB instance was replaced: sessions on the old one must end. */
  readonly restartListeners = new Set<() => void>();
  private restarting: Promise<void> | null = null;

  private constructor(
    private current: DuckDBInstance,
    private readonly opts: EngineOptions,
    private readonly workers: number,
  ) {}

  get instance(): DuckDBInstance {
    return this.current;
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    const instance = await openInstance(opts);
    const c = await DuckDBConnection.create(instance);
    try {
      const threads = Number((await c.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
      return new Engine(instance, opts, threads - 1);
    } finally {
      c.closeSync();
    }
  }

  async connect(): Promise<EngineSession> {
    if (this.restarting) await this.restarting;
    try {
      return new EngineSession(await DuckDBConnection.create(this.current), this);
    } catch (err) {
      throw toPgError(err);
    }
  }

  /**
   * DuckDB invalidates a whole database after an internal error: every later
   * query on it fails. One bad query must not take the server down, so the
   * instance is replaced and the sessions on the old one are ended.
   */
  noteFailure(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!/^INTERNAL Error|database has been invalidated/i.test(message) || this.restarting) return;
    const old = this.current;
    this.restarting = openInstance(this.opts)
      .then((fresh) => {
        this.current = fresh;
        for (const listener of this.restartListeners) listener();
        setTimeout(() => old.closeSync(), 1000).unref();
      })
      .finally(() => {
        this.restarting = null;
      });
  }

  close(): void {
    this.current.closeSync();
  }
}

async function openInstance(opts: EngineOptions): Promise<DuckDBInstance> {
  const config: Record<string, string> = {};
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  if (opts.threads > 0) config.threads = String(opts.threads);
  if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
  try {
    const instance = await DuckDBInstance.create(':memory:', config);
    const c = await DuckDBConnection.create(instance);
    // ICU is linked in but not auto-loaded. This TimeZone is the default; sessions set their own (per connection).
    // partition files are immutable (a new name per build), so their Parquet footers can be cached
    await c.run(`LOAD icu; SET TimeZone = '${opts.timeZone.replace(/'/g, "''")}'; SET GLOBAL parquet_metadata_cache = true`);
    c.closeSync();
    return instance;
  } catch (err) {
    throw toPgError(err);
  }
}

/** A streaming result: chunks of up to 2048 rows, pulled one at a time for back-pressure. */
export interface ChunkStream {
  readonly types: DuckDBType[];
  readonly names: string[];
  /** The next chunk, or null at the end. */
  next(): Promise<DuckDBDataChunk | null>;
  /** Rows inserted, updated or deleted, when DuckDB reports them as changed rows. */
  readonly rowsChanged: number;
  /** False for statements DuckDB answers with changed rows or nothing (its "Count" column aside). */
  readonly returnsRows: boolean;
}

export class EngineSession {
  private closed = false;

  constructor(
    readonly connection: DuckDBConnection,
    private readonly engine: Engine,
  ) {}

  get generation(): number {
    return this.engine.generation;
  }

  /** Marks that something changed: every session's cached statements are stale. */
  changed(): void {
    this.engine.generation++;
  }

  /** Marks that a function or macro may have been defined or dropped: name lookups are stale. */
  functionsChanged(): void {
    this.engine.functionVersion++;
  }

  get functionVersion(): number {
    return this.engine.functionVersion;
  }

  /** The same object for every session of one engine (a cache key). */
  get instanceKey(): object {
    return this.engine;
  }

  async prepare(sql: string): Promise<DuckDBPreparedStatement> {
    this.engine.counters.prepares++;
    try {
      return await this.connection.prepare(sql);
    } catch (err) {
      throw this.fail(err, sql);
    }
  }

  /** Maps a DuckDB error, and lets the engine replace an instance that DuckDB invalidated. */
  fail(err: unknown, sql?: string): PgError {
    this.engine.noteFailure(err);
    return toPgError(err, sql);
  }

  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (err) {
      throw this.fail(err, sql);
    }
  }

  /**
   * Executes a bound prepared statement and returns its rows as a stream.
   * `mayWaitHere: false` waits for it on the thread pool from the start (a statement known to be long).
   */
  async execute(stmt: DuckDBPreparedStatement, sql: string, opts: { mayWaitHere?: boolean } = {}): Promise<ChunkStream> {
    let run: PreparedRun;
    try {
      run = await runPrepared(this.connection, stmt, (opts.mayWaitHere ?? true) && this.engine.workerThreads > 0);
    } catch (err) {
      throw this.fail(err, sql);
    }
    return wrapResult(run.result, sql, this, () => run.fetch());
  }

  /** Runs SQL with no parameters and streams its rows. */
  async query(sql: string): Promise<ChunkStream> {
    return this.execute(await this.prepare(sql), sql);
  }

  /** Asks DuckDB to stop the running query; it then fails with an INTERRUPT error (57014). */
  interrupt(): void {
    if (!this.closed) this.connection.interrupt();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
  }
}

const CHANGED_ROWS = 1;
const QUERY_RESULT = 3;

function wrapResult(result: DuckDBResult, sql: string, session: EngineSession, fetch: () => Promise<DuckDBDataChunk | null>): ChunkStream {
  const returnsRows = result.returnType === QUERY_RESULT;
  const changedRows = result.returnType === CHANGED_ROWS;
  return {
    types: result.columnTypes(),
    names: result.columnNames(),
    returnsRows,
    get rowsChanged() {
      return changedRows ? Number(result.rowsChanged) : 0;
    },
    async next() {
      try {
        const chunk = await fetch();
        return chunk && chunk.rowCount > 0 ? chunk : null;
      } catch (err) {
        throw session.fail(err, sql);
      }
    },
  };
}
