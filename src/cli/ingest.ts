import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { openCatalog, type Catalog } from '../datalake/catalog/index.js';
import { openObjectStore, type ObjectStore } from '../datalake/objectstore/index.js';
import { IngestServer } from '../ingest/index.js';
import type { Logger } from '../log/log.js';

/** The ingestion service with the catalog and object store it writes to (opened from the config, migrated). */
export interface IngestService {
  server: IngestServer;
  catalog: Catalog;
  objectStore: ObjectStore;
  close(): Promise<void>;
}

export async function startIngestService(config: Config, log: Logger): Promise<IngestService> {
  mkdirSync(config.dataDir, { recursive: true });
  const objectStore = openObjectStore(config);
  let catalog: Catalog | undefined;
  try {
    catalog = await openCatalog(config, log);
    await catalog.migrate();
    const server = await IngestServer.start({
      host: config.httpHost,
      port: config.httpPort,
      maxBodyBytes: config.maxBlockBytes,
      catalog,
      store: objectStore,
      log,
    });
    const opened = catalog;
    return {
      server,
      catalog,
      objectStore,
      async close() {
        await server.close();
        await opened.close();
        await objectStore.close();
      },
    };
  } catch (err) {
    await catalog?.close().catch(() => undefined);
    await objectStore.close().catch(() => undefined);
    throw err;
  }
}

/** The line test helpers and scripts wait for (test/helpers/process.ts parses the port from it). */
export function ingestReadyLine(server: IngestServer): string {
  return `sirius: ingest ready — ${server.address().url}/ingestion/\n`;
}

/** `sirius ingest`: the ingestion service alone (a scale-out ingest node). */
export async function runIngest(config: Config, log: Logger): Promise<void> {
  const service = await startIngestService(config, log);
  log.info({ url: service.server.address().url, catalog: service.catalog.describe(), objectStore: service.objectStore.describe() }, 'ingestion service started');
  process.stderr.write(ingestReadyLine(service.server));
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
