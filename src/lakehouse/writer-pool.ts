import type { DuckDBConnection } from '@duckdb/node-api';
import type { Engine, EngineSession } from '../engine/engine.js';
import { VIEW_MACROS_SQL } from '../views/index.js';
import { Limiter } from './single-flight.js';

/**
 * DuckDB connections of the engine's instance that write partitions, one
 * write at a time each (a write uses TEMP tables with fixed names).
 */
export class WriterPool {
  private readonly idle: EngineSession[] = [];
  private readonly all: EngineSession[] = [];
  private readonly limiter: Limiter;

  constructor(
    private readonly engine: Engine,
    size: number,
  ) {
    this.limiter = new Limiter(size);
  }

  use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.limiter.run(async () => {
      let session = this.idle.pop();
      if (!session) {
        session = await this.engine.connect();
        // user view definitions (custom views) may call property_get() and the other view macros
        for (const sql of VIEW_MACROS_SQL) await session.connection.run(sql);
        this.all.push(session);
      }
      try {
        return await fn(session.connection);
      } finally {
        this.idle.push(session);
      }
    });
  }

  close(): void {
    for (const s of this.all) s.close();
    this.all.length = 0;
    this.idle.length = 0;
  }
}
