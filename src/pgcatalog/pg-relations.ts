import type { RelationDef } from './build.js';
import { ATT, NSP, PROC, REL, TYPES } from './data.js';
import { PARAMS } from '../sql/settings-defs.js';
import { DATABASE_NAME, DATABASE_OID, lit, NAMESPACES, OWNER_ROLE, SETTINGS_TABLE } from './model.js';

/**
 * The pg_catalog relations with rows (https://www.postgresql.org/docs/15/catalogs.html).
 * Every other relation of pg-columns.ts is emulated with no rows: Sirius has
 * no indexes, constraints, inheritance, policies, publications, triggers….
 */
const OWNER = String(OWNER_ROLE.oid);
const OWNER_NAME = lit(OWNER_ROLE.name);
const DB = lit(DATABASE_NAME);
/** Preset options PostgreSQL shows with a unit: pg_settings has the number of units, SHOW the size ('1GB'). */
const PRESET_UNITS = "('segment_size', '131072', '8kB'), ('wal_segment_size', '16777216', 'B')";
/** PGC_INTERNAL options (SET fails with 55P02): context 'internal' in pg_settings. */
const INTERNAL = PARAMS.filter((p) => p.readOnly).map((p) => lit(p.name)).join(', ');

export const PG_RELATIONS: Readonly<Record<string, RelationDef>> = {
  pg_namespace: { from: `${NSP} n`, cols: { oid: 'n.oid', nspname: 'n.nspname', nspowner: OWNER } },
  pg_class: {
    from: `${REL} r`,
    cols: {
      oid: 'r.oid', relname: 'r.relname', relnamespace: 'r.nspoid', relowner: OWNER,
      relam: "CASE r.relkind WHEN 'r' THEN 2 ELSE 0 END", reltuples: '-1', relpersistence: "'p'", relkind: 'r.relkind',
      relnatts: 'r.relnatts', relispopulated: 'true', relreplident: "CASE r.relkind WHEN 'r' THEN 'd' ELSE 'n' END",
    },
  },
  pg_attribute: {
    from: `${ATT} a LEFT JOIN ${TYPES} t ON t.oid = a.atttypid`,
    cols: {
      attrelid: 'a.attrelid', attname: 'a.attname', atttypid: 'a.atttypid', attstattarget: '-1', attlen: 't.typlen',
      attnum: 'a.attnum', attndims: "CASE t.typcategory WHEN 'A' THEN 1 ELSE 0 END", attcacheoff: '-1', atttypmod: 'a.atttypmod',
      attbyval: 't.typbyval', attalign: 't.typalign', attstorage: 't.typstorage', attcompression: "''", attidentity: "''", attnotnull: 'a.attnotnull',
      attgenerated: "''", attislocal: 'true', attcollation: 't.typcollation',
    },
  },
  pg_type: {
    from: `${TYPES} t`,
    cols: {
      oid: 't.oid', typname: 't.typname', typnamespace: String(NAMESPACES.pg_catalog), typowner: OWNER, typlen: 't.typlen',
      typbyval: 't.typbyval', typtype: 't.typtype', typcategory: 't.typcategory', typispreferred: 't.typispreferred',
      typisdefined: 'true', typdelim: 't.typdelim', typsubscript: "CASE t.typcategory WHEN 'A' THEN 'array_subscript_handler' ELSE '-' END",
      typelem: 't.typelem', typarray: 't.typarray', typinput: 't.typinput', typoutput: 't.typoutput', typreceive: 't.typreceive',
      typsend: 't.typsend', typmodin: "'-'", typmodout: "'-'", typanalyze: "'-'", typalign: 't.typalign', typstorage: 't.typstorage',
      typtypmod: '-1', typcollation: 't.typcollation',
    },
  },
  pg_database: {
    from: '(SELECT 1)',
    cols: {
      oid: String(DATABASE_OID), datname: DB, datdba: OWNER, encoding: '6', datlocprovider: "'c'", datallowconn: 'true',
      datconnlimit: '-1', dattablespace: '1663', datcollate: "'C.UTF-8'", datctype: "'C.UTF-8'",
    },
  },
  pg_proc: {
    from: `${PROC} p`,
    cols: {
      oid: 'p.oid', proname: 'p.proname', pronamespace: 'p.nspoid', proowner: OWNER, prolang: '14', procost: '100', prorows: '1000',
      prosupport: "'-'", prokind: "'f'", proretset: 'p.retset', provolatile: "'v'", proparallel: "'u'", pronargs: 'p.nargs',
      prorettype: 'p.rettype', prosrc: 'p.proname',
    },
  },
  pg_roles: { from: '(SELECT 1)', cols: role('rolname', 'oid', 'rol') },
  pg_authid: { from: '(SELECT 1)', cols: role('rolname', 'oid', 'rol') },
  pg_user: { from: '(SELECT 1)', cols: user() },
  pg_shadow: { from: '(SELECT 1)', cols: user() },
  pg_settings: {
    from: `${SETTINGS_TABLE} s LEFT JOIN (VALUES ${PRESET_UNITS}) u(name, setting, unit) ON u.name = s.name WHERE s.name NOT LIKE '@%'`,
    cols: {
      name: 's.name', setting: 'coalesce(u.setting, s.setting)', unit: 'u.unit', category: "'Sirius'", short_desc: 's.description',
      context: `CASE WHEN s.name IN (${INTERNAL}) THEN 'internal' ELSE 'user' END`,
      vartype: "'string'", source: "'session'", boot_val: 'coalesce(u.setting, s.setting)', reset_val: 'coalesce(u.setting, s.setting)',
    },
  },
  pg_stat_activity: {
    from: `(SELECT max(setting) FILTER (name = '@pid') AS pid, max(setting) FILTER (name = 'session_authorization') AS usename,
      max(setting) FILTER (name = 'application_name') AS app FROM ${SETTINGS_TABLE}) s`,
    cols: {
      datid: String(DATABASE_OID), datname: DB, pid: 's.pid', usename: 's.usename', application_name: 's.app', state: "'active'",
      backend_type: "'client backend'", usesysid: OWNER,
    },
  },
  pg_stat_database: { from: '(SELECT 1)', cols: { datid: String(DATABASE_OID), datname: DB } },
  pg_extension: {
    from: '(SELECT 1)',
    cols: { oid: '13743', extname: "'plpgsql'", extowner: OWNER, extnamespace: String(NAMESPACES.pg_catalog), extversion: "'1.0'" },
  },
  pg_language: {
    from: "(VALUES (12, 'internal', false), (13, 'c', false), (14, 'sql', true), (13742, 'plpgsql', true)) l(oid, name, trusted)",
    cols: { oid: 'l.oid', lanname: 'l.name', lanowner: OWNER, lanispl: 'l.oid > 14', lanpltrusted: 'l.trusted' },
  },
  pg_am: {
    from: "(VALUES (2, 'heap', 't'), (403, 'btree', 'i'), (405, 'hash', 'i'), (783, 'gist', 'i'), (2742, 'gin', 'i'), (4000, 'spgist', 'i'), (3580, 'brin', 'i')) a(oid, name, kind)",
    cols: { oid: 'a.oid', amname: 'a.name', amhandler: "a.name || 'handler'", amtype: 'a.kind' },
  },
  pg_collation: {
    from: "(VALUES (100, 'default', 'd', -1, NULL), (950, 'C', 'c', -1, 'C'), (951, 'POSIX', 'c', -1, 'POSIX')) c(oid, name, provider, enc, coll)",
    cols: {
      oid: 'c.oid', collname: 'c.name', collnamespace: String(NAMESPACES.pg_catalog), collowner: OWNER, collprovider: 'c.provider',
      collisdeterministic: 'true', collencoding: 'c.enc', collcollate: 'c.coll', collctype: 'c.coll',
    },
  },
  pg_tablespace: {
    from: "(VALUES (1663, 'pg_default'), (1664, 'pg_global')) t(oid, name)",
    cols: { oid: 't.oid', spcname: 't.name', spcowner: OWNER },
  },
  pg_views: {
    from: `${REL} r WHERE r.relkind = 'v'`,
    cols: { schemaname: 'r.nspname', viewname: 'r.relname', viewowner: OWNER_NAME, definition: 'r.definition' },
  },
  pg_tables: {
    from: `${REL} r WHERE r.relkind = 'r'`,
    cols: { schemaname: 'r.nspname', tablename: 'r.relname', tableowner: OWNER_NAME },
  },
  // the built-in range types (pg_type lists them): psycopg's RangeInfo and asyncpg's introspection read these
  pg_range: {
    from: `(VALUES (3904, 23, 4451, 1978, 'int4range_canonical', 'int4range_subdiff'), (3906, 1700, 4532, 3125, '-', 'numrange_subdiff'),
      (3908, 1114, 4533, 3128, '-', 'tsrange_subdiff'), (3910, 1184, 4534, 3127, '-', 'tstzrange_subdiff'),
      (3912, 1082, 4535, 3122, 'daterange_canonical', 'daterange_subdiff'), (3926, 20, 4536, 3124, 'int8range_canonical', 'int8range_subdiff'))
      r(typ, sub, multi, opc, canonical, subdiff)`,
    cols: {
      rngtypid: 'r.typ', rngsubtype: 'r.sub', rngmultitypid: 'r.multi', rngcollation: '0', rngsubopc: 'r.opc',
      rngcanonical: 'r.canonical', rngsubdiff: 'r.subdiff',
    },
  },
  pg_timezone_names: {
    from: 'pg_timezone_names() z',
    cols: { name: 'z.name', abbrev: 'z.abbrev', utc_offset: 'z.utc_offset', is_dst: 'z.is_dst' },
  },
};

function role(name: string, oid: string, p: string): Record<string, string> {
  return {
    [name]: OWNER_NAME, [oid]: OWNER, [`${p}super`]: 'true', [`${p}inherit`]: 'true', [`${p}createrole`]: 'true', [`${p}createdb`]: 'true',
    [`${p}canlogin`]: 'true', [`${p}replication`]: 'false', [`${p}bypassrls`]: 'true', [`${p}connlimit`]: '-1', [`${p}password`]: "'********'",
  };
}

function user(): Record<string, string> {
  return { usename: OWNER_NAME, usesysid: OWNER, usecreatedb: 'true', usesuper: 'true', usebypassrls: 'true', passwd: "'********'" };
}
