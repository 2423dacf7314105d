/**
 * Where the emulation lives in DuckDB, and the fixed objects of the emulated
 * PostgreSQL cluster (namespaces, the one database, the one role).
 */

/** The in-memory catalog (ATTACHed once per DuckDB instance) that holds the emulation. */
export const EMU_CATALOG = 'sirius_pg';
/** pg_catalog's relations, types and functions; searched after the session's own schema. */
export const PG_SCHEMA = `${EMU_CATALOG}.pg`;
/** information_schema's views; statements reach them through the rewrite of `information_schema.`. */
export const INFO_SCHEMA = `${EMU_CATALOG}.info`;
/**
 * The DuckDB ENUM standing for PostgreSQL's `"char"` (labels: pgtypes/mapping.ts PG_CHAR_LABELS, which
 * sends a column of it as "char"). Used where a client's decoding depends on it: pg_type.typtype
 * (asyncpg compares it with b'b').
 */
export const PG_CHAR_TYPE = `${PG_SCHEMA}.sirius_char`;
/** Per-connection table of the session's settings, read by current_setting() and pg_settings. */
export const SETTINGS_TABLE = 'temp.main.sirius_session_settings';

export const NAMESPACES = { pg_catalog: 11, public: 2200, information_schema: 13207 } as const;
export type NamespaceName = keyof typeof NAMESPACES;

export const DATABASE_NAME = 'sirius';
export const DATABASE_OID = 16383;
/** The bootstrap superuser that owns everything (PostgreSQL's OID 10). */
export const OWNER_ROLE = { oid: 10, name: 'sirius' } as const;
/** PostgreSQL's first OID for user objects: the telemetry views are numbered from here. */
export const FIRST_USER_OID = 16384;

/** One column of an emulated relation, with its PostgreSQL type. */
export interface CatalogColumn {
  name: string;
  typeOid: number;
  /** atttypmod: -1, or numeric's ((precision << 16) | scale) + 4. */
  typmod: number;
}

/** A relation as pg_class / pg_attribute / information_schema list it. */
export interface CatalogRelation {
  oid: number;
  schema: NamespaceName;
  name: string;
  /** pg_class.relkind: 'v' view, 'r' table. */
  kind: 'v' | 'r';
  columns: CatalogColumn[];
  /** pg_views.definition / information_schema.views.view_definition. */
  definition: string | null;
}

/** A SQL string literal. */
export function lit(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
}
