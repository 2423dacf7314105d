import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../src/config/config.js';
import { openCatalog, type Catalog } from '../../../src/datalake/catalog/index.js';
import { DiskObjectStore } from '../../../src/datalake/objectstore/index.js';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { Lakehouse, type LakehouseOptions } from '../../../src/lakehouse/index.js';
import { silentLogger } from '../../../src/log/log.js';
import { createTestSchema, type TestSchema } from '../../helpers/pg.js';

export type CatalogKind = 'sqlite' | 'postgres';
export const CATALOG_KINDS: CatalogKind[] = ['sqlite', 'postgres'];

/**
 * A real lakehouse on a temporary data directory: disk object store, the
 * embedded SQLite catalog or a fresh schema of the test PostgreSQL, and a
 * DuckDB engine. Blocks are written straight to the catalog and the store.
 */
export interface Harness {
  kind: CatalogKind;
  dataDir: string;
  catalog: Catalog;
  store: DiskObjectStore;
  engine: Engine;
  lakehouse: Lakehouse;
  /** Rows of a query on a DuckDB connection of the engine, as JS values (BIGINT as bigint). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Moves the catalog's insert clock forward so that the next commits get insert times from `us` on. */
  setInsertClock(us: number): Promise<void>;
  /** Another Lakehouse on the same data directory, catalog and engine (a restarted server). */
  reopen(options?: LakehouseOptions): Lakehouse;
  close(): Promise<void>;
}

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(sql: string): { run(...p: unknown[]): unknown }; close(): void };

export async function createHarness(kind: CatalogKind, options: LakehouseOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sirius-lakehouse-'));
  let schema: TestSchema | undefined;
  if (kind === 'postgres') schema = await createTestSchema('sirius_lh');
  const config = defaultConfig({ dataDir, catalogUrl: schema?.url ?? '' });
  const catalog = await openCatalog(config);
  await catalog.migrate();
  const store = new DiskObjectStore(join(dataDir, 'objects'));
  const engine = await Engine.create({ memoryLimit: '', threads: 2, timeZone: 'UTC' });
  const log = silentLogger();
  const lakehouses: Lakehouse[] = [];
  const reopen = (o: LakehouseOptions = options): Lakehouse => {
    const l = new Lakehouse({ catalog, store, engine, config, log, options: o });
    lakehouses.push(l);
    return l;
  };
  const lakehouse = reopen();
  let session: EngineSession | undefined;
  return {
    kind,
    dataDir,
    catalog,
    store,
    engine,
    lakehouse,
    reopen,
    async query(sql) {
      if (!session) {
        session = await engine.connect();
        for (const sql of lakehouse.sessionSetupSql()) await session.run(sql);
      }
      const reader = await session.connection.runAndReadAll(sql);
      return reader.getRowObjects() as Record<string, unknown>[];
    },
    async setInsertClock(us) {
      if (schema) {
        await schema.query(`UPDATE "${schema.schema}".insert_clock SET last_us = greatest(last_us, $1::int8 - 1)`, [us]);
        return;
      }
      const db = new Sqlite(join(dataDir, 'catalog.sqlite'));
      try {
        db.prepare('UPDATE insert_clock SET last_us = max(last_us, ? - 1)').run(us);
      } finally {
        db.close();
      }
    },
    async close() {
      for (const l of lakehouses) l.close();
      session?.close();
      engine.close();
      await catalog.close();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
