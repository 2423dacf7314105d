import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { openCatalog, type Catalog } from '../datalake/catalog/index.js';
import { openObjectStore, type ObjectStore } from '../datalake/objectstore/index.js';
import { Engine } from '../engine/engine.js';
import { Lakehouse } from '../lakehouse/index.js';
import { Maintenance, type MaintenanceOptions } from '../lakehouse/maintenance.js';
import type { Logger } from '../log/log.js';
import { RetentionService, retentionOptions } from '../retention/index.js';

export function maintenanceOptions(config: Config): MaintenanceOptions {
  return { intervalMs: config.maintenanceIntervalMs, windowMs: config.maintenanceWindowMs, retiredGraceMs: config.retiredGraceMs, buildLogKeepMs: config.buildLogKeepMs };
}

/** The maintenance loop over a lakehouse that `serve` (or `maintain`) already wired; it runs retention when given one. */
export function newMaintenance(config: Config, log: Logger, deps: { lakehouse: Lakehouse; catalog: Catalog; store: ObjectStore; retention?: RetentionService }): Maintenance {
  return new Maintenance({ ...deps, log: log.child({ component: 'maintenance' }), options: maintenanceOptions(config) });
}

/** Retention over the catalog and object store of a lakehouse (retired partitions' cached files are dropped). */
export function newRetention(config: Config, log: Logger, deps: { lakehouse: Lakehouse; catalog: Catalog; store: ObjectStore }): RetentionService {
  return new RetentionService({
    catalog: deps.catalog,
    store: deps.store,
    log: log.child({ component: 'retention' }),
    options: retentionOptions(config),
    dropCached: (key) => deps.lakehouse.dropCached(key),
  });
}

export interface MaintainService {
  maintenance: Maintenance;
  close(): Promise<void>;
}

/**
 * `sirius maintain`: the maintenance loop alone, on the catalog and object
 * store of the configuration (its own DuckDB engine and partition cache).
 * With `once`, one run and no loop.
 */
export async function startMaintain(config: Config, log: Logger, once = false): Promise<MaintainService> {
  if (!once && config.maintenanceIntervalMs === 0) throw new Error('sirius maintain: SIRIUS_MAINTENANCE_INTERVAL_MS is 0 (the loop is disabled); use --once for a single run');
  mkdirSync(config.dataDir, { recursive: true });
  const store = openObjectStore(config);
  const catalog = await openCatalog(config, log);
  let engine: Engine | undefined;
  try {
    await catalog.migrate();
    engine = await Engine.create({ memoryLimit: config.memoryLimit, threads: config.threads, timeZone: config.timeZone, tempDirectory: join(config.dataDir, 'tmp') });
  } catch (err) {
    await catalog.close();
    await store.close();
    throw err;
  }
  const lakehouse = new Lakehouse({ catalog, store, engine, config, log, options: { cacheMaxBytes: config.cacheMaxBytes } });
  const retention = newRetention(config, log, { lakehouse, catalog, store });
  const maintenance = newMaintenance(config, log, { lakehouse, catalog, store, retention });
  const opened = engine;
  const close = async (): Promise<void> => {
    await maintenance.stop();
    lakehouse.close();
    opened.close();
    await catalog.close();
    await store.close();
  };
  if (once) await maintenance.runOnce();
  else maintenance.start();
  return { maintenance, close };
}
