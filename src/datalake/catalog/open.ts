import { join } from 'node:path';
import { ConfigError, type Config } from '../../config/config.js';
import type { Logger } from '../../log/log.js';
import type { Catalog } from './catalog.js';
import { PgCatalog } from './pg-catalog.js';
import { parsePgCatalogUrl } from './pg-url.js';
import { SqliteCatalog } from './sqlite-catalog.js';

/** The embedded catalog's file under the data directory. */
export const EMBEDDED_CATALOG_FILE = 'catalog.sqlite';

/**
 * '' → the embedded SQLite catalog at dataDir/catalog.sqlite; postgres://… (or
 * postgresql://…, optional ?schema=name) → PostgreSQL. Does not migrate: call
 * migrate() once at start-up (it is safe to call from every node).
 */
export async function openCatalog(cfg: Pick<Config, 'catalogUrl' | 'dataDir'>, log?: Logger): Promise<Catalog> {
  const url = cfg.catalogUrl;
  if (url === '') return new SqliteCatalog(join(cfg.dataDir, EMBEDDED_CATALOG_FILE));
  if (/^postgres(ql)?:\/\//.test(url)) return new PgCatalog(parsePgCatalogUrl(url), log);
  throw new ConfigError(`SIRIUS_CATALOG_URL: expected '' (embedded) or postgres://…, got '${url.replace(/:[^:@/]*@/, ':***@')}'`);
}
