import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import { PgServer } from '../server/server.js';
import { Lakehouse } from '../lakehouse/index.js';
import { LakehouseViews } from '../lakehouse/view-resolver.js';
import { DuckSqlParser } from '../sql/duck-parser.js';
import { startIngestService, type IngestService } from './ingest.js';
import { newMaintenance, newRetention } from './maintain.js';
import type { Maintenance } from '../lakehouse/maintenance.js';
import type { RetentionService } from '../retention/index.js';
import { registerAdminServices } from '../server/admin-services.js';

/** A running Sirius: the one place where concrete implementations are wired together. */
export interface Sirius {
  pg: PgServer;
  engine: Engine;
  /** The ingestion HTTP service (`ingest.server.address()`), its catalog and object store. */
  ingest: IngestService;
  lakehouse: Lakehouse;
  /** The maintenance loop; undefined when SIRIUS_MAINTENANCE_INTERVAL_MS is 0. */
  maintenance?: Maintenance;
  /** Retention and tail sampling (run by the maintenance loop and by SQL). */
  retention: RetentionService;
  close(): Promise<void>;
}

export async function startSirius(config: Config, log: Logger): Promise<Sirius> {
  mkdirSync(config.dataDir, { recursive: true });
  const ingest = await startIngestService(config, log);
  let engine: Engine;
  try {
    engine = await Engine.create({
      memoryLimit: config.memoryLimit,
      threads: config.threads,
      timeZone: config.timeZone,
      tempDirectory: join(config.dataDir, 'tmp'),
    });
  } catch (err) {
    await ingest.close();
    throw err;
  }
  const lakehouse = new Lakehouse({ catalog: ingest.catalog, store: ingest.objectStore, engine, config, log, options: { cacheMaxBytes: config.cacheMaxBytes } });
  const resolver = new LakehouseViews(lakehouse);
  let parser: DuckSqlParser | null = null;
  let pg: PgServer;
  try {
    parser = await DuckSqlParser.create();
    pg = await PgServer.start(config, engine, log, { lakehouse: resolver, parser, defs: resolver.defs() });
  } catch (err) {
    parser?.close();
    lakehouse.close();
    engine.close();
    await ingest.close();
    throw err;
  }
  const retention = newRetention(config, log, { lakehouse, catalog: ingest.catalog, store: ingest.objectStore });
  const maintenance = config.maintenanceIntervalMs > 0 ? newMaintenance(config, log, { lakehouse, catalog: ingest.catalog, store: ingest.objectStore, retention }) : undefined;
  registerAdminServices(lakehouse, { catalog: ingest.catalog, retention, stats: () => lakehouse.stats(), maintenanceHistory: () => maintenance?.history() ?? [] });
  maintenance?.start();
  return {
    pg,
    engine,
    ingest,
    lakehouse,
    maintenance,
    retention,
    async close() {
      await maintenance?.stop();
      await ingest.close();
      await pg.close();
      parser?.close();
      lakehouse.close();
      engine.close();
    },
  };
}
