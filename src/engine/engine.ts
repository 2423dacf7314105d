import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api';
import { toPgError } from './errors.js';

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
  private constructor(readonly instance: DuckDBInstance) {}

  static async create(opts: EngineOptions): Promise<Engine> {
    const config: Record<string, string> = {};
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.threads > 0) config.threads = String(opts.threads);
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
    } catch (err) {
      throw toPgError(err);
    }
    const engine = new Engine(instance);
    const c = await engine.connect();
    // ICU is linked in but not auto-loaded; TimeZone is instance-wide in DuckDB.
    await c.run(`LOAD icu; SET TimeZone = '${opts.timeZone.replace(/'/g, "''")}'`);
    c.close();
    return engine;
  }

  async connect(): Promise<EngineSession> {
    try {
      return new EngineSession(await DuckDBConnection.create(this.instance));
    } catch (err) {
      throw toPgError(err);
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** A streaming result: chunks of up to 2048 rows, pulled one at a time for back-pressure. */
export interface ChunkStream {
  readonly types: DuckDBType[];
  readonly names: string[];
  /** The next chunk, or null at the end. */
  next(): Promise<DuckDBDataChunk | null>;
  readonly rowsChanged: number;
  readonly returnsRows: boolean;
}

export class EngineSession {
  private closed = false;

  constructor(readonly connection: DuckDBConnection) {}

  async prepare(sql: string): Promise<DuckDBPreparedStatement> {
    try {
      return await this.connection.prepare(sql);
    } catch (err) {
      throw toPgError(err, sql);
    }
  }

  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (err) {
      throw toPgError(err, sql);
    }
  }

  /** Executes a bound prepared statement and returns its rows as a stream. */
  async execute(stmt: DuckDBPreparedStatement, sql: string): Promise<ChunkStream> {
    let result: DuckDBResult;
    try {
      result = await stmt.stream();
    } catch (err) {
      throw toPgError(err, sql);
    }
    return wrapResult(result, sql);
  }

  /** Runs SQL with no parameters and streams its rows. */
  async query(sql: string): Promise<ChunkStream> {
    let result: DuckDBResult;
    try {
      result = await this.connection.stream(sql);
    } catch (err) {
      throw toPgError(err, sql);
    }
    return wrapResult(result, sql);
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

const QUERY_RESULT = 3;

function wrapResult(result: DuckDBResult, sql: string): ChunkStream {
  const returnsRows = result.returnType === QUERY_RESULT;
  return {
    types: returnsRows ? result.columnTypes() : [],
    names: returnsRows ? result.columnNames() : [],
    returnsRows,
    get rowsChanged() {
      return returnsRows ? 0 : Number(result.rowsChanged);
    },
    async next() {
      try {
        const chunk = await result.fetchChunk();
        return chunk && chunk.rowCount > 0 ? chunk : null;
      } catch (err) {
        throw toPgError(err, sql);
      }
    },
  };
}
