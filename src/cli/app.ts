import type { Config } from '../config/config.js';
import { ROLES } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import type { PgServer } from '../server/server.js';
import type { Lakehouse } from '../lakehouse/index.js';
import type { IngestService } from './ingest.js';
import type { Maintenance } from '../lakehouse/maintenance.js';
import type { RetentionService } from '../retention/index.js';
import { startNode } from './roles.js';

/** A running Sirius with every role (the embedded default): the wire server, ingestion and maintenance. */
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

/**
 * Every role in one process, whatever `config.roles` says (tests and benchmarks rely on the whole
 * server); `sirius serve` starts the configured roles with startNode (cli/roles.ts), the one place
 * where concrete implementations are wired together.
 */
export async function startSirius(config: Config, log: Logger): Promise<Sirius> {
  const node = await startNode({ ...config, roles: [...ROLES] }, log);
  const { pg, engine, ingest, lakehouse, retention } = node;
  if (!pg || !engine || !ingest || !lakehouse || !retention) {
    await node.close();
    throw new Error('startSirius: a role did not start');
  }
  return {
    pg,
    engine,
    ingest: { server: ingest, catalog: node.catalog, objectStore: node.objectStore, close: () => node.close() },
    lakehouse,
    maintenance: node.maintenance,
    retention,
    close: () => node.close(),
  };
}
