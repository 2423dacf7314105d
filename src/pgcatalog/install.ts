import type { EngineSession } from '../engine/engine.js';
import type { SessionSettings } from '../sql/settings.js';
import { createViewSql } from './build.js';
import { dataTablesSql } from './data.js';
import { functionsSql } from './functions.js';
import { sessionTablesSql } from './session-tables.js';
import { INFO_RELATIONS } from './info-relations.js';
import { EMU_CATALOG, INFO_SCHEMA, lit, PG_CHAR_TYPE, PG_SCHEMA, SETTINGS_TABLE } from './model.js';
import { PG_CHAR_LABELS } from '../pgtypes/mapping.js';
import { INFORMATION_SCHEMA_COLUMNS } from './info-columns.js';
import { PG_CATALOG_COLUMNS } from './pg-columns.js';
import { PG_RELATIONS } from './pg-relations.js';
import { catalogRelations, type TelemetryViews } from './relations.js';

/**
 * Installs the emulation: once per DuckDB instance, the catalog `sirius_pg`
 * (base tables, views, macros); once per session, the search path that puts
 * it after the session's own schema and the table of the session's settings.
 */

/** Types of PostgreSQL catalog columns that clients cast to; DuckDB keeps them as VARCHAR / lists. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  name: 'VARCHAR', xid: 'BIGINT', cid: 'BIGINT', tid: 'VARCHAR', pg_node_tree: 'VARCHAR', aclitem: 'VARCHAR',
  int2vector: 'SMALLINT[]', oidvector: 'INTEGER[]',
};

/** Installs are serialized: two sessions opening at once must not both create the catalog. */
let installing: Promise<void> = Promise.resolve();

/** Per-session setup; installs the catalog first if this DuckDB instance has none. */
export async function setUpSession(engine: EngineSession, scratchCatalog: string, views: TelemetryViews | null): Promise<void> {
  await engine.run(`CREATE TEMP TABLE IF NOT EXISTS ${SETTINGS_TABLE} (name VARCHAR, setting VARCHAR, description VARCHAR)`);
  const step = installing.then(async () => {
    if (!(await isInstalled(engine))) await install(engine, views);
  });
  installing = step.catch(() => undefined);
  await step;
  await engine.run(`SET search_path = '${scratchCatalog}.main,${PG_SCHEMA}'`);
}

async function isInstalled(engine: EngineSession): Promise<boolean> {
  const stream = await engine.query(`SELECT count(*) FROM duckdb_databases() WHERE database_name = '${EMU_CATALOG}'`);
  const chunk = await stream.next();
  return Number(chunk?.getRows()[0]?.[0] ?? 0) > 0;
}

/** All or nothing: a half-built catalog would pass isInstalled() and fail later queries in odd ways. */
async function install(engine: EngineSession, views: TelemetryViews | null): Promise<void> {
  await engine.run(`ATTACH ':memory:' AS ${EMU_CATALOG}`);
  try {
    await engine.run(`CREATE SCHEMA ${PG_SCHEMA}; CREATE SCHEMA ${INFO_SCHEMA}`);
    for (const [name, type] of Object.entries(TYPE_ALIASES)) await engine.run(`CREATE TYPE ${PG_SCHEMA}.${name} AS ${type}`);
    await engine.run(`CREATE TYPE ${PG_CHAR_TYPE} AS ENUM (${PG_CHAR_LABELS.map(lit).join(', ')})`);
    await refreshRelations(engine, views);
    for (const sql of sessionTablesSql()) await engine.run(sql);
    for (const sql of functionsSql()) await engine.run(sql);
    for (const sql of viewsSql()) await engine.run(sql);
  } catch (err) {
    await engine.run(`DETACH DATABASE IF EXISTS ${EMU_CATALOG}`);
    throw err;
  }
}

/**
 * Rebuilds the relation list (pg_class, pg_attribute, information_schema.tables/columns…) from the
 * telemetry views as they are now: call it after a view set is added or changed.
 */
export async function refreshRelations(engine: EngineSession, views: TelemetryViews | null): Promise<void> {
  const relations = await catalogRelations(views, async (sql) => {
    const stmt = await engine.prepare(`SELECT * FROM (${sql})`);
    try {
      return Array.from({ length: stmt.columnCount }, (_, i) => ({ name: stmt.columnName(i), type: stmt.columnType(i) }));
    } finally {
      stmt.destroySync();
    }
  });
  for (const sql of dataTablesSql(relations)) await engine.run(sql);
  engine.changed();
}

/** Every emulated relation: with rows where pg-relations.ts / info-relations.ts define them, empty otherwise. */
export function viewsSql(): string[] {
  return [
    ...Object.entries(PG_CATALOG_COLUMNS).map(([name, cols]) => createViewSql(PG_SCHEMA, name, cols, PG_RELATIONS[name] ?? { cols: {} })),
    ...Object.entries(INFORMATION_SCHEMA_COLUMNS).map(([name, cols]) => createViewSql(INFO_SCHEMA, name, cols, INFO_RELATIONS[name] ?? { cols: {} })),
  ];
}

const synced = new WeakMap<EngineSession, string>();

/** What the default search_path ('"$user", public') finds. */
const DEFAULT_SCHEMAS: readonly string[] = ['public'];

/**
 * Copies the session's settings into its settings table (what current_setting() and pg_settings read),
 * with the backend pid and the schemas its search path finds (rows '@schema': name, position), which
 * current_schema() and current_schemas() read.
 */
export async function syncSettings(engine: EngineSession, settings: SessionSettings, pid: number, schemas: readonly string[] = DEFAULT_SCHEMAS): Promise<void> {
  const rows = settings.entries().map((e) => `(${lit(e.name)}, ${lit(e.setting)}, ${lit(e.description)})`);
  rows.push(`('@pid', '${pid}', NULL)`);
  schemas.forEach((name, i) => rows.push(`('@schema', ${lit(name)}, '${i}')`));
  const values = rows.join(', ');
  if (synced.get(engine) === values) return;
  await engine.run(`DELETE FROM ${SETTINGS_TABLE}; INSERT INTO ${SETTINGS_TABLE} VALUES ${values}`);
  synced.set(engine, values);
}
