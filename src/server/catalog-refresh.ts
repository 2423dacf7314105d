import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import { EMU_CATALOG } from '../pgcatalog/model.js';
import { refreshRelations } from '../pgcatalog/install.js';
import type { TelemetryViews } from '../pgcatalog/relations.js';

/**
 * After user views were created or dropped (on this node or another one), the
 * emulated pg_catalog / information_schema lists them: their relation rows are
 * rebuilt once, on a connection of its own, if the catalog is installed yet (a
 * later install reads the views as they are then).
 */
export async function refreshCatalogRelations(engine: Engine, views: TelemetryViews, log: Logger): Promise<void> {
  const session = await engine.connect();
  try {
    const installed = await session.connection.runAndReadAll(`SELECT count(*) FROM duckdb_databases() WHERE database_name = '${EMU_CATALOG}'`);
    if (Number(installed.getRows()[0][0]) === 0) return;
    await refreshRelations(session, views);
  } catch (err) {
    log.error({ err }, 'listing the changed views in pg_catalog failed');
  } finally {
    session.close();
  }
}
