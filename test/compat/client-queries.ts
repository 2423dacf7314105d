/**
 * Catalog SQL that clients send and ../shared/compat did not capture, copied from the clients'
 * sources (the version noted with each). Each must run on Sirius as on PostgreSQL 15.
 */
/** Grafana's query-builder condition "the table's schema is on the search path" (postgresMetaQuery.ts). */
export const searchPathSchemas = `
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )`;

/** Grafana's PostgreSQL data source, public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts (v11). */
export const GRAFANA = [
  "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
  `SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema', 'pg_catalog', 'pg_toast', '_timescaledb_cache', '_timescaledb_catalog',
                              '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental')
    ORDER BY schema_name`,
  `SELECT quote_ident(table_name) AS "table"
      FROM information_schema.tables
      WHERE quote_ident(table_schema) = 'public'
      ORDER BY 1`,
  `SELECT
    CASE WHEN ${searchPathSchemas}
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache', '_timescaledb_catalog',
                             '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental')
    ORDER BY CASE WHEN ${searchPathSchemas} THEN 0 ELSE 1 END, 1`,
  `SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('t'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('t'))[1]
          AND quote_ident(table_name) = (parse_ident('t'))[2]
        ELSE quote_ident(table_name) = 't'
          AND ${searchPathSchemas}
      END`,
];

/** Driver type introspection: psycopg 3 TypeInfo.fetch, pgx LoadType, asyncpg's jit probe (QUERIES.md §3.4). */
export const DRIVERS = [
  "SELECT typname AS name, oid, typarray AS array_oid, oid::regtype::text AS regtype, typdelim AS delimiter FROM pg_type t WHERE t.oid = to_regtype('uuid') ORDER BY t.oid",
  'select typtype::text, typbasetype from pg_type where oid=2950',
  'select typelem, typdelim::text from pg_type where oid=1009',
  'select typrelid from pg_type where oid=2950',
  "SELECT current_setting('jit') AS cur, set_config('jit', 'off', false) AS new",
  'SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;',
];

const ASYNCPG_TYPEINFO = `(
        SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS name, t.typtype AS kind,
            (CASE WHEN t.typtype = 'd' THEN
                (WITH RECURSIVE typebases(oid, depth) AS (
                    SELECT t2.typbasetype AS oid, 0 AS depth FROM pg_type t2 WHERE t2.oid = t.oid
                    UNION ALL
                    SELECT t2.typbasetype AS oid, tb.depth + 1 AS depth FROM pg_type t2, typebases tb
                    WHERE tb.oid = t2.oid AND t2.typbasetype != 0
               ) SELECT oid FROM typebases ORDER BY depth DESC LIMIT 1)
               ELSE NULL END) AS basetype,
            t.typelem AS elemtype, elem_t.typdelim AS elemdelim, range_t.rngsubtype AS range_subtype,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT array_agg(ia.atttypid ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN pg_class c ON (ia.attrelid = c.oid)
                WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid)
                ELSE NULL END) AS attrtypoids,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT array_agg(ia.attname::text ORDER BY ia.attnum) FROM pg_attribute ia INNER JOIN pg_class c ON (ia.attrelid = c.oid)
                WHERE ia.attnum > 0 AND NOT ia.attisdropped AND c.reltype = t.oid)
                ELSE NULL END) AS attrnames
        FROM pg_catalog.pg_type AS t
            INNER JOIN pg_catalog.pg_namespace ns ON (ns.oid = t.typnamespace)
            LEFT JOIN pg_type elem_t ON (t.typlen = -1 AND t.typelem != 0 AND t.typelem = elem_t.oid)
            LEFT JOIN pg_range range_t ON (t.oid = range_t.rngtypid)
    )`;

/** asyncpg's type introspection, asyncpg/introspection.py (0.29): INTRO_LOOKUP_TYPES with a binary oid[] parameter, TYPE_BY_NAME. */
export const ASYNCPG: { sql: string; params: unknown[] }[] = [
  {
    sql: `WITH RECURSIVE typeinfo_tree(oid, ns, name, kind, basetype, elemtype, elemdelim, range_subtype, attrtypoids, attrnames, depth)
AS (
    SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, ti.range_subtype, ti.attrtypoids, ti.attrnames, 0
    FROM ${ASYNCPG_TYPEINFO} AS ti
    WHERE ti.oid = any($1::oid[])
    UNION ALL
    SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, ti.range_subtype, ti.attrtypoids, ti.attrnames, tt.depth + 1
    FROM ${ASYNCPG_TYPEINFO} ti, typeinfo_tree tt
    WHERE (tt.elemtype IS NOT NULL AND ti.oid = tt.elemtype)
        OR (tt.attrtypoids IS NOT NULL AND ti.oid = any(tt.attrtypoids))
        OR (tt.range_subtype IS NOT NULL AND ti.oid = tt.range_subtype)
)
SELECT DISTINCT *, basetype::regtype::text AS basetype_name, elemtype::regtype::text AS elemtype_name,
    range_subtype::regtype::text AS range_subtype_name
FROM typeinfo_tree
ORDER BY depth DESC`,
    params: [[2951, 3807]],
  },
  { sql: 'SELECT t.oid, t.typelem AS elemtype, t.typtype AS kind FROM pg_catalog.pg_type AS t INNER JOIN pg_catalog.pg_namespace ns ON (ns.oid = t.typnamespace) WHERE t.typname = $1 AND ns.nspname = $2', params: ['uuid', 'pg_catalog'] },
];

/** Metabase (QUERIES.md §3.3): enums, and the table listing with its joins on pg_description and pg_stat_user_tables. */
export const METABASE = [
  'SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)',
  `SELECT n.nspname AS schema, c.relname AS name, CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
     WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS type, d.description AS description,
     stat.n_live_tup AS estimated_row_count
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
   LEFT JOIN pg_catalog.pg_description d ON c.oid = d.objoid AND d.objsubid = 0 AND d.classoid = 'pg_class'::regclass
   LEFT JOIN pg_stat_user_tables stat ON n.nspname = stat.schemaname AND c.relname = stat.relname
   WHERE c.relnamespace = n.oid AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
     AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND n.nspname IN ('public') ORDER BY type, schema, name`,
  "SELECT current_catalog, version(), current_setting('server_version_num')",
  // the fields query in the shape QUERIES.md §3.3 step 5 describes (udt_name, the PRIMARY KEY join, col_description of format()::regclass)
  `SELECT c.column_name AS name, c.udt_name AS "database-type", c.ordinal_position - 1 AS "database-position",
     c.table_schema AS "table-schema", c.table_name AS "table-name", pk.column_name IS NOT NULL AS "pk?",
     col_description(format('%I.%I', c.table_schema, c.table_name)::regclass::oid, c.ordinal_position) AS "field-comment",
     ((column_default IS NULL OR lower(column_default) = 'null') AND is_nullable = 'NO') AS "database-required",
     (column_default IS NOT NULL AND column_default LIKE '%nextval(%' OR is_identity <> 'NO') AS "database-is-auto-increment"
   FROM information_schema.columns c
   LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name FROM information_schema.table_constraints tc
     INNER JOIN information_schema.key_column_usage kc ON tc.constraint_name = kc.constraint_name AND tc.table_schema = kc.table_schema
       AND tc.table_name = kc.table_name
     WHERE tc.constraint_type = 'PRIMARY KEY') pk
     ON c.table_schema = pk.table_schema AND c.table_name = pk.table_name AND c.column_name = pk.column_name
   WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND c.table_schema IN ('public') AND c.table_name = 'log_entries'
   ORDER BY "table-schema", "table-name", "database-position"`,
];
