import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, Role } from '../config/config.js';
import { openCatalog, type Catalog } from '../datalake/catalog/index.js';
import { openObjectStore, type ObjectStore } from '../datalake/objectstore/index.js';
import type { Engine } from '../engine/engine.js';
import { IngestServer } from '../ingest/index.js';
import { ingestReadyLine } from './ingest.js';
import type { Lakehouse } from '../lakehouse/index.js';
import type { Maintenance } from '../lakehouse/maintenance.js';
import type { Logger } from '../log/log.js';
import type { RetentionService } from '../retention/index.js';
import type { PgServer } from '../server/server.js';

/**
 * A `sirius serve` node with any subset of the roles (docs/deployment.md):
 * - `ingest`: the HTTP ingestion service; opens no DuckDB.
 * - `pgwire`: the PostgreSQL wire server over DuckDB and the lakehouse (its own partition cache);
 *   retention and the admin functions are there for SQL, but no loop runs.
 * - `maintain`: the maintenance loop (recent global slices, merges, retired files) and retention.
 * Every part shares one catalog and one object store, opened (and migrated) once.
 */
export interface SiriusNode {
  roles: Role[];
  catalog: Catalog;
  objectStore: ObjectStore;
  ingest?: IngestServer;
  pg?: PgServer;
  engine?: Engine;
  lakehouse?: Lakehouse;
  retention?: RetentionService;
  /** Undefined without the maintain role, or when SIRIUS_MAINTENANCE_INTERVAL_MS is 0. */
  maintenance?: Maintenance;
  close(): Promise<void>;
}

/** Starts the roles of `config.roles`; on a failure, whatever had started is closed again. */
export async function startNode(config: Config, log: Logger): Promise<SiriusNode> {
  const roles = config.roles;
  const has = (r: Role): boolean => roles.includes(r);
  mkdirSync(config.dataDir, { recursive: true });
  const objectStore = openObjectStore(config);
  // Closers in start order; run in reverse.
  const closers: (() => Promise<void> | void)[] = [() => objectStore.close()];
  let closing: Promise<void> | undefined;
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      for (const close of [...closers].reverse()) await close();
    })());
  try {
    const catalog = await openCatalog(config, log);
    closers.push(() => catalog.close());
    await catalog.migrate();
    const node: SiriusNode = { roles, catalog, objectStore, close: closeAll };
    if (has('ingest')) {
      const ingest = await IngestServer.start({ host: config.httpHost, port: config.httpPort, maxBodyBytes: config.maxBlockBytes, catalog, store: objectStore, log });
      node.ingest = ingest;
      closers.push(() => ingest.close());
    }
    if (has('pgwire') || has('maintain')) await startLakehouse(node, config, log, closers);
    return node;
  } catch (err) {
    await closeAll().catch((e: unknown) => log.warn({ err: e }, 'closing a node that failed to start'));
    throw err;
  }
}

/**
 * DuckDB, the lakehouse, retention; then the wire server (pgwire) and the loop (maintain). Their
 * modules load here, so an ingest-only node never loads DuckDB's native library.
 */
async function startLakehouse(node: SiriusNode, config: Config, log: Logger, closers: (() => Promise<void> | void)[]): Promise<void> {
  const [{ Engine }, { Lakehouse }, { newMaintenance, newRetention }] = await Promise.all([import('../engine/engine.js'), import('../lakehouse/index.js'), import('./maintain.js')]);
  const { catalog, objectStore: store } = node;
  const engine = await Engine.create({ memoryLimit: config.memoryLimit, threads: config.threads, timeZone: config.timeZone, tempDirectory: join(config.dataDir, 'tmp') });
  node.engine = engine;
  closers.push(() => engine.close());
  const lakehouse = new Lakehouse({ catalog, store, engine, config, log, options: { cacheMaxBytes: config.cacheMaxBytes } });
  node.lakehouse = lakehouse;
  closers.push(() => lakehouse.close());
  const retention = newRetention(config, log, { lakehouse, catalog, store });
  node.retention = retention;
  const maintenance = node.roles.includes('maintain') && config.maintenanceIntervalMs > 0 ? newMaintenance(config, log, { lakehouse, catalog, store, retention }) : undefined;
  if (node.roles.includes('pgwire')) {
    const [{ LakehouseViews }, { DuckSqlParser }, { PgServer }, { registerAdminServices }, { refreshCatalogRelations }] = await Promise.all([
      import('../lakehouse/view-resolver.js'),
      import('../sql/duck-parser.js'),
      import('../server/server.js'),
      import('../server/admin-services.js'),
      import('../server/catalog-refresh.js'),
    ]);
    await lakehouse.customViews.load();
    const resolver = new LakehouseViews(lakehouse);
    const parser = await DuckSqlParser.create();
    closers.push(() => parser.close());
    const views = { lakehouse: resolver, parser, defs: resolver.defs() };
    resolver.onChange(() => refreshCatalogRelations(engine, views, log));
    const pg = await PgServer.start(config, engine, log, views);
    node.pg = pg;
    closers.push(() => pg.close());
    registerAdminServices(lakehouse, { catalog, retention, stats: () => lakehouse.stats(), maintenanceHistory: () => maintenance?.history() ?? [] });
  }
  if (maintenance) {
    node.maintenance = maintenance;
    maintenance.start();
    closers.push(() => maintenance.stop());
  }
}

/** The lines `serve` prints on stderr once a node is up (test/helpers/scale-out.ts waits for the last one). */
export function readyLines(node: SiriusNode): string {
  let out = '';
  if (node.ingest) out += ingestReadyLine(node.ingest);
  if (node.pg) {
    const { host, port } = node.pg.address();
    out += `sirius: ready — psql "host=${host} port=${port} dbname=sirius user=sirius"\n`;
  }
  if (node.maintenance) out += 'sirius: maintenance loop running\n';
  return out + `sirius: node ready — roles ${node.roles.join(',')}\n`;
}
