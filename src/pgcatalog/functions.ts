import { SERVER_VERSION } from '../server/version.js';
import { NSP, PROC, REL, TYPES } from './data.js';
import { DATABASE_NAME, INFO_SCHEMA, lit, OWNER_ROLE, PG_SCHEMA, SETTINGS_TABLE } from './model.js';

/**
 * The catalog functions clients call, as DuckDB macros in the emulation schema
 * (searched after the session's own schema, before DuckDB's built-ins).
 * https://www.postgresql.org/docs/15/functions-info.html
 */
const DB = lit(DATABASE_NAME);
const OWNER_NAME = lit(OWNER_ROLE.name);
export const VERSION_STRING = `PostgreSQL ${SERVER_VERSION} on x86_64-pc-linux-gnu, compiled by DuckDB, 64-bit`;

/** format_type(oid, typmod): numeric(p,s), varchar(n)/bpchar(n), time/timestamp precision, arrays as elem[]. */
const FORMAT_TYPE = `CASE WHEN type_oid IS NULL THEN NULL ELSE coalesce((SELECT CASE
    WHEN sirius_typ.oid = 1700 AND typmod >= 4 THEN 'numeric(' || (((typmod - 4) >> 16) & 65535) || ',' || ((typmod - 4) & 65535) || ')'
    WHEN sirius_typ.oid IN (1043, 1042) AND typmod >= 4 THEN sirius_typ.display || '(' || (typmod - 4) || ')'
    WHEN sirius_typ.typelem = 1700 AND sirius_typ.typcategory = 'A' AND typmod >= 4 THEN 'numeric(' || (((typmod - 4) >> 16) & 65535) || ',' || ((typmod - 4) & 65535) || ')[]'
    ELSE sirius_typ.display END FROM ${TYPES} sirius_typ WHERE sirius_typ.oid = type_oid), '???') END`;

/** The last dotted part of a possibly qualified, possibly quoted name, as PostgreSQL folds it. */
const UNQUALIFIED = (arg: string): string =>
  `(CASE WHEN regexp_matches(${arg}, '"[^"]*"$') THEN replace(regexp_extract(${arg}, '"((?:[^"]|"")*)"$', 1), '""', '"') ELSE lower(regexp_extract(${arg}, '([^."]+)$', 1)) END)`;

/** parse_ident: the parts of a dotted name, quoted parts unquoted, others folded to lower case. */
const PARSE_IDENT = `list_transform(regexp_extract_all(qualified, '"(?:[^"]|"")*"|[^."]+'),
  p -> CASE WHEN p[1] = '"' THEN replace(p[2:-2], '""', '"') ELSE lower(trim(p)) END)`;

const MACROS: readonly string[] = [
  `version() AS ${lit(VERSION_STRING)}`,
  `current_database() AS ${DB}`,
  `current_catalog() AS ${DB}`,
  // the schemas the session's search_path finds, in order (server/search-path.ts); pg_catalog is searched even when not listed
  `current_schema() AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = '@schema' ORDER BY CAST(sirius_set.description AS INTEGER) LIMIT 1)`,
  `current_schemas(include_implicit) AS (SELECT CASE WHEN include_implicit AND NOT list_contains(sirius_sp.l, 'pg_catalog') THEN ['pg_catalog'] || sirius_sp.l ELSE sirius_sp.l END
     FROM (SELECT coalesce(list(sirius_set.setting ORDER BY CAST(sirius_set.description AS INTEGER)), CAST([] AS VARCHAR[])) AS l
       FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = '@schema') sirius_sp)`,
  `current_setting(setting_name) AS coalesce((SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE lower(sirius_set.name) = lower(setting_name)),
     error('unrecognized configuration parameter "' || setting_name || '"')),
   (setting_name, missing_ok) AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE lower(sirius_set.name) = lower(setting_name))`,
  // literal calls are applied to the session's settings by the rewrite (rewrite.ts); what is left is a call it could not apply
  `set_config(setting_name, new_value, is_local) AS error('set_config() takes constant arguments in Sirius')`,
  `pg_backend_pid() AS (SELECT CAST(sirius_set.setting AS INTEGER) FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = '@pid')`,
  `pg_get_userbyid(role_oid) AS CASE WHEN role_oid = ${OWNER_ROLE.oid} THEN ${OWNER_NAME} WHEN role_oid IS NULL THEN NULL ELSE 'unknown (OID=' || role_oid || ')' END`,
  // visible: on the search path, which is pg_catalog and public (information_schema is not)
  `pg_table_is_visible(rel_oid) AS coalesce((SELECT sirius_rl.nspname <> 'information_schema' FROM ${REL} sirius_rl WHERE sirius_rl.oid = rel_oid), false)`,
  `pg_type_is_visible(type_oid) AS type_oid IS NOT NULL`,
  `pg_function_is_visible(fn_oid) AS fn_oid IS NOT NULL`,
  `pg_collation_is_visible(coll_oid) AS coll_oid IS NOT NULL`,
  `format_type(type_oid, typmod) AS ${FORMAT_TYPE}`,
  `pg_get_expr(expr, rel) AS CAST(NULL AS VARCHAR), (expr, rel, pretty) AS CAST(NULL AS VARCHAR)`,
  `pg_get_indexdef(index_oid) AS CAST(NULL AS VARCHAR), (index_oid, col, pretty) AS CAST(NULL AS VARCHAR)`,
  `pg_get_constraintdef(con_oid) AS CAST(NULL AS VARCHAR), (con_oid, pretty) AS CAST(NULL AS VARCHAR)`,
  `pg_get_viewdef(view) AS (SELECT sirius_rl.definition FROM ${REL} sirius_rl WHERE sirius_rl.oid = view), (view, pretty) AS (SELECT sirius_rl.definition FROM ${REL} sirius_rl WHERE sirius_rl.oid = view)`,
  `pg_get_statisticsobjdef_columns(stat_oid) AS CAST(NULL AS VARCHAR)`,
  `pg_get_function_result(fn_oid) AS (SELECT sirius_pr.result FROM ${PROC} sirius_pr WHERE sirius_pr.oid = fn_oid)`,
  `pg_get_function_arguments(fn_oid) AS (SELECT sirius_pr.args FROM ${PROC} sirius_pr WHERE sirius_pr.oid = fn_oid)`,
  `pg_get_function_identity_arguments(fn_oid) AS (SELECT sirius_pr.args FROM ${PROC} sirius_pr WHERE sirius_pr.oid = fn_oid)`,
  `pg_relation_is_publishable(rel) AS false`,
  `pg_encoding_to_char(enc) AS CASE enc WHEN 6 THEN 'UTF8' WHEN 0 THEN 'SQL_ASCII' ELSE '' END`,
  `pg_char_to_encoding(name) AS CASE upper(name) WHEN 'UTF8' THEN 6 WHEN 'SQL_ASCII' THEN 0 ELSE -1 END`,
  `obj_description(obj_oid) AS CAST(NULL AS VARCHAR), (obj_oid, catalog_name) AS CAST(NULL AS VARCHAR)`,
  `col_description(rel_oid, col) AS CAST(NULL AS VARCHAR)`,
  `shobj_description(obj_oid, catalog_name) AS CAST(NULL AS VARCHAR)`,
  // Sirius has no privileges system: every session may read every relation (authentication is the gate)
  `has_table_privilege(tbl, priv) AS true, (who, tbl, priv) AS true`,
  `has_any_column_privilege(tbl, priv) AS true, (who, tbl, priv) AS true`,
  `has_column_privilege(tbl, col, priv) AS true, (who, tbl, col, priv) AS true`,
  `has_schema_privilege(nsp, priv) AS true, (who, nsp, priv) AS true`,
  `has_database_privilege(db, priv) AS true, (who, db, priv) AS true`,
  `has_function_privilege(fn, priv) AS true, (who, fn, priv) AS true`,
  `has_sequence_privilege(seq, priv) AS true, (who, seq, priv) AS true`,
  `pg_has_role(role_name, priv) AS true, (who, role_name, priv) AS true`,
  `pg_is_in_recovery() AS false`,
  `current_user() AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = 'session_authorization')`,
  `session_user() AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = 'session_authorization')`,
  `current_role() AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = 'session_authorization')`,
  `"user"() AS (SELECT sirius_set.setting FROM ${SETTINGS_TABLE} sirius_set WHERE sirius_set.name = 'session_authorization')`,
  `pg_get_keywords() AS TABLE SELECT keyword_name AS word,
     CASE keyword_category WHEN 'reserved' THEN 'R' WHEN 'type_function' THEN 'T' WHEN 'column_name' THEN 'C' ELSE 'U' END AS catcode,
     true AS barelabel,
     CASE keyword_category WHEN 'reserved' THEN 'reserved' WHEN 'type_function' THEN 'reserved (can be function or type name)'
       WHEN 'column_name' THEN 'unreserved (cannot be function or type name)' ELSE 'unreserved' END AS catdesc,
     'can be bare label' AS baredesc
   FROM duckdb_keywords()`,
  `pg_postmaster_start_time() AS CAST(NULL AS TIMESTAMPTZ)`,
  `pg_advisory_unlock_all() AS CAST(NULL AS VARCHAR)`,
  `quote_ident(ident) AS CASE WHEN regexp_full_match(ident, '[a-z_][a-z0-9_$]*')
     AND NOT EXISTS (SELECT 1 FROM duckdb_keywords() sirius_kw WHERE sirius_kw.keyword_name = ident AND sirius_kw.keyword_category <> 'unreserved')
     THEN ident ELSE '"' || replace(ident, '"', '""') || '"' END`,
  `parse_ident(qualified) AS ${PARSE_IDENT}, (qualified, strict) AS ${PARSE_IDENT}`,
  `array_upper(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 THEN CAST(len(arr) AS INTEGER) END`,
  `array_lower(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 THEN 1 END`,
  // 'int4[]' names the array type of int4 (its format_type name 'integer[]' is a display name already)
  `to_regtype(type_name) AS (SELECT min(sirius_typ.oid) FROM ${TYPES} sirius_typ WHERE sirius_typ.typname = ${UNQUALIFIED('type_name')}
     OR sirius_typ.display = lower(type_name)
     OR (type_name LIKE '%[]' AND sirius_typ.oid = (SELECT min(sirius_elem.typarray) FROM ${TYPES} sirius_elem
       WHERE sirius_elem.typname = ${UNQUALIFIED("regexp_replace(type_name, '\\[\\]$', '')")})))`,
  `to_regclass(rel_name) AS (SELECT min(sirius_rl.oid) FROM ${REL} sirius_rl WHERE sirius_rl.relname = ${UNQUALIFIED('rel_name')})`,
  `to_regnamespace(nsp_name) AS (SELECT min(sirius_ns.oid) FROM ${NSP} sirius_ns WHERE sirius_ns.nspname = ${UNQUALIFIED('nsp_name')})`,
  `to_regproc(fn_name) AS (SELECT min(sirius_pr.oid) FROM ${PROC} sirius_pr WHERE sirius_pr.proname = ${UNQUALIFIED('fn_name')})`,
  // the reg* casts (rewrite.ts): a name to its OID, an OID to its name
  `sirius_regclass_oid(rel_name) AS coalesce(${PG_SCHEMA}.to_regclass(rel_name), error('relation "' || rel_name || '" does not exist'))`,
  // PostgreSQL prints OID 0 of any reg* type as '-'
  `sirius_regclass_name(rel_oid) AS CASE WHEN rel_oid = 0 THEN '-' ELSE coalesce((SELECT sirius_rl.relname FROM ${REL} sirius_rl WHERE sirius_rl.oid = rel_oid), CAST(rel_oid AS VARCHAR)) END`,
  `sirius_regtype_oid(type_name) AS coalesce(${PG_SCHEMA}.to_regtype(type_name), error('type "' || type_name || '" does not exist'))`,
  `sirius_regtype_name(type_oid) AS CASE WHEN type_oid = 0 THEN '-' ELSE coalesce((SELECT sirius_typ.display FROM ${TYPES} sirius_typ WHERE sirius_typ.oid = type_oid), CAST(type_oid AS VARCHAR)) END`,
  `sirius_regnamespace_oid(nsp_name) AS coalesce(${PG_SCHEMA}.to_regnamespace(nsp_name), error('schema "' || nsp_name || '" does not exist'))`,
  `sirius_regnamespace_name(nsp_oid) AS coalesce((SELECT sirius_ns.nspname FROM ${NSP} sirius_ns WHERE sirius_ns.oid = nsp_oid), CAST(nsp_oid AS VARCHAR))`,
  `sirius_regrole_name(role_oid) AS ${PG_SCHEMA}.pg_get_userbyid(role_oid)`,
];

const INFO_MACROS: readonly string[] = [
  `_pg_expandarray(arr) AS unnest(list_transform(range(1, len(arr) + 1), i -> {'x': arr[i], 'n': i}))`,
];

export function functionsSql(): string[] {
  return [
    ...MACROS.map((m) => `CREATE OR REPLACE MACRO ${PG_SCHEMA}.${m}`),
    ...INFO_MACROS.map((m) => `CREATE OR REPLACE MACRO ${INFO_SCHEMA}.${m}`),
  ];
}
