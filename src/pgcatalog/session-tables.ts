import { ATT, FIXED_ATT, FIXED_REL, REL, TYPES } from './data.js';
import { NAMESPACES, PG_SCHEMA } from './model.js';

/**
 * The session's own tables and views (CREATE TABLE in its scratch catalog) in the catalog, in schema
 * `public` beside the telemetry views: `sirius_rel` / `sirius_att` add them to the fixed relations at
 * query time (duckdb_tables() of the session's catalog), so `\dt` and `\d t` show them.
 */

/** DuckDB column types (duckdb_columns().data_type without length, precision or []) → PostgreSQL OID, as src/pgtypes/mapping.ts sends them. */
export const DUCK_TYPE_OIDS: Readonly<Record<string, number>> = {
  BOOLEAN: 16, TINYINT: 21, SMALLINT: 21, UTINYINT: 21, INTEGER: 23, USMALLINT: 23, BIGINT: 20, UINTEGER: 26,
  UBIGINT: 1700, HUGEINT: 1700, UHUGEINT: 1700, BIGNUM: 1700, DECIMAL: 1700, FLOAT: 700, DOUBLE: 701, VARCHAR: 25, JSON: 114,
  BLOB: 17, DATE: 1082, TIME: 1083, TIME_NS: 1083, 'TIME WITH TIME ZONE': 1266, TIMESTAMP: 1114, TIMESTAMP_S: 1114,
  TIMESTAMP_MS: 1114, TIMESTAMP_NS: 1114, 'TIMESTAMP WITH TIME ZONE': 1184, INTERVAL: 1186, UUID: 2950, BIT: 1562,
};
const DUCK_TYPES = `${PG_SCHEMA}.sirius_duck_types`;
/** Session relations are numbered above every fixed OID. */
const SESSION_OID_BASE = 1_000_000;

export function sessionTablesSql(): string[] {
  const mapping = Object.entries(DUCK_TYPE_OIDS).map(([duck, oid]) => `('${duck}', ${oid})`).join(', ');
  // temporary relations (the telemetry views' TEMP VIEWs, the settings table) are in catalog temp, not the session's
  const own = `database_name = system.main.current_database() AND schema_name = 'main'`;
  const base = `regexp_replace(regexp_replace(c.data_type, '(\\[\\d*\\])+$', ''), '\\(.*$', '')`;
  return [
    `CREATE OR REPLACE TABLE ${DUCK_TYPES} (duck VARCHAR, oid INTEGER)`,
    `INSERT INTO ${DUCK_TYPES} VALUES ${mapping}`,
    `CREATE OR REPLACE VIEW ${REL} AS
       SELECT * FROM ${FIXED_REL}
       UNION ALL SELECT ${SESSION_OID_BASE} + table_oid, ${NAMESPACES.public}, 'public', table_name, 'r', column_count, NULL FROM duckdb_tables() WHERE ${own}
       UNION ALL SELECT ${SESSION_OID_BASE} + view_oid, ${NAMESPACES.public}, 'public', view_name, 'v', column_count, sql FROM duckdb_views() WHERE ${own} AND NOT internal`,
    `CREATE OR REPLACE VIEW ${ATT} AS
       SELECT * FROM ${FIXED_ATT}
       UNION ALL SELECT ${SESSION_OID_BASE} + c.table_oid, c.column_name,
         CASE WHEN c.data_type LIKE '%]' THEN t.typarray ELSE coalesce(d.oid, CASE WHEN regexp_matches(c.data_type, '^(STRUCT|MAP|UNION)') THEN 114 ELSE 25 END) END,
         CASE WHEN ${base} = 'DECIMAL' THEN ((c.numeric_precision << 16) | c.numeric_scale) + 4 ELSE -1 END,
         c.column_index, NOT c.is_nullable
       FROM duckdb_columns() c LEFT JOIN ${DUCK_TYPES} d ON d.duck = ${base} LEFT JOIN ${TYPES} t ON t.oid = d.oid
       WHERE c.${own}`,
  ];
}
