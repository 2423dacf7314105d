import type { RelationDef } from './build.js';
import { ATT, NSP, REL, TYPES } from './data.js';
import { DATABASE_NAME, lit, OWNER_ROLE } from './model.js';

/**
 * The information_schema views with rows (https://www.postgresql.org/docs/15/information-schema.html);
 * the others of pg-columns.ts have none. data_type and udt_name follow
 * PostgreSQL: arrays are 'ARRAY' with udt_name '_elem', others format_type's name.
 */
const DB = lit(DATABASE_NAME);
const OWNER_NAME = lit(OWNER_ROLE.name);

/** information_schema.columns' numeric_precision for the integer and float types (bits), numeric's from its typmod. */
const NUMERIC_PRECISION = `CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 WHEN 701 THEN 53
  WHEN 1700 THEN CASE WHEN a.atttypmod >= 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END END`;

export const INFO_RELATIONS: Readonly<Record<string, RelationDef>> = {
  schemata: {
    from: `${NSP} n`,
    cols: { catalog_name: DB, schema_name: 'n.nspname', schema_owner: OWNER_NAME },
  },
  tables: {
    from: `${REL} r`,
    cols: {
      table_catalog: DB, table_schema: 'r.nspname', table_name: 'r.relname',
      table_type: "CASE r.relkind WHEN 'v' THEN 'VIEW' ELSE 'BASE TABLE' END", is_insertable_into: "'NO'", is_typed: "'NO'",
    },
  },
  columns: {
    from: `${ATT} a JOIN ${REL} r ON r.oid = a.attrelid LEFT JOIN ${TYPES} t ON t.oid = a.atttypid`,
    cols: {
      table_catalog: DB, table_schema: 'r.nspname', table_name: 'r.relname', column_name: 'a.attname', ordinal_position: 'a.attnum',
      is_nullable: "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END", data_type: "CASE WHEN t.typcategory = 'A' THEN 'ARRAY' ELSE t.display END",
      numeric_precision: NUMERIC_PRECISION,
      numeric_precision_radix: 'CASE WHEN a.atttypid IN (21, 23, 20, 700, 701) THEN 2 WHEN a.atttypid = 1700 THEN 10 END',
      numeric_scale: 'CASE WHEN a.atttypid IN (21, 23, 20) THEN 0 WHEN a.atttypid = 1700 AND a.atttypmod >= 4 THEN (a.atttypmod - 4) & 65535 END',
      datetime_precision: 'CASE WHEN a.atttypid IN (1082) THEN 0 WHEN a.atttypid IN (1083, 1114, 1184, 1266, 1186) THEN 6 END',
      udt_catalog: DB, udt_schema: "'pg_catalog'", udt_name: 't.typname', dtd_identifier: 'CAST(a.attnum AS VARCHAR)',
      is_self_referencing: "'NO'", is_identity: "'NO'", identity_cycle: "'NO'", is_generated: "'NEVER'", is_updatable: "'NO'",
    },
  },
  views: {
    from: `${REL} r WHERE r.relkind = 'v'`,
    cols: {
      table_catalog: DB, table_schema: 'r.nspname', table_name: 'r.relname', view_definition: 'r.definition', check_option: "'NONE'",
      is_updatable: "'NO'", is_insertable_into: "'NO'", is_trigger_updatable: "'NO'", is_trigger_deletable: "'NO'",
      is_trigger_insertable_into: "'NO'",
    },
  },
  table_privileges: privileges(),
  role_table_grants: privileges(),
  enabled_roles: { from: '(SELECT 1)', cols: { role_name: OWNER_NAME } },
  character_sets: {
    from: '(SELECT 1)',
    cols: { character_set_name: "'UTF8'", character_repertoire: "'UCS'", form_of_use: "'UTF8'", default_collate_catalog: DB },
  },
};

function privileges(): RelationDef {
  return {
    from: `${REL} r`,
    cols: {
      grantor: OWNER_NAME, grantee: OWNER_NAME, table_catalog: DB, table_schema: 'r.nspname', table_name: 'r.relname',
      privilege_type: "'SELECT'", is_grantable: "'YES'", with_hierarchy: "'NO'",
    },
  };
}
