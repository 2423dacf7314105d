import { lit, NAMESPACES, PG_SCHEMA, FIRST_USER_OID, type CatalogRelation } from './model.js';
import { PG_TYPES } from './types.js';

/**
 * The base tables the pg_catalog views read: relations, their columns, types
 * and functions, filled from TypeScript data (relations.ts, types-data.ts).
 * Rebuilt as a whole when the relation list changes.
 */
/** The relations and columns of relations.ts, plus the session's own tables (session-tables.ts: views over both). */
export const REL = `${PG_SCHEMA}.sirius_rel`;
export const ATT = `${PG_SCHEMA}.sirius_att`;
export const FIXED_REL = `${PG_SCHEMA}.sirius_fixed_rel`;
export const FIXED_ATT = `${PG_SCHEMA}.sirius_fixed_att`;
export const TYPES = `${PG_SCHEMA}.sirius_types`;
export const PROC = `${PG_SCHEMA}.sirius_proc`;
export const NSP = `${PG_SCHEMA}.sirius_nsp`;

/** Functions listed in pg_proc (schema public): what `\df` shows. */
const PUBLIC_FUNCTIONS = [
  { oid: FIRST_USER_OID + 1000, name: 'view_instance', result: 'SETOF record', args: 'view_set text, instance_id text', nargs: 2, rettype: 2249, retset: true },
];

const values = (rows: string[][]): string => rows.map((r) => `(${r.join(', ')})`).join(', ');

export function dataTablesSql(relations: readonly CatalogRelation[]): string[] {
  const nsp = Object.entries(NAMESPACES).map(([name, oid]) => [String(oid), lit(name)]);
  const rel = relations.map((r) => [String(r.oid), String(NAMESPACES[r.schema]), lit(r.schema), lit(r.name), lit(r.kind), String(r.columns.length), lit(r.definition)]);
  const att = relations.flatMap((r) => r.columns.map((c, i) => [String(r.oid), lit(c.name), String(c.typeOid), String(c.typmod), String(i + 1), 'false']));
  const types = PG_TYPES.map((t) => [
    String(t.oid), lit(t.typname), String(t.typlen), String(t.typbyval), lit(t.typtype), lit(t.typcategory), String(t.typispreferred),
    lit(t.typdelim), String(t.typelem), String(t.typarray), lit(t.typinput), lit(t.typoutput), lit(t.typreceive), lit(t.typsend),
    lit(t.typalign), lit(t.typstorage), String(t.typcollation), lit(t.display),
  ]);
  const proc = PUBLIC_FUNCTIONS.map((f) => [String(f.oid), lit(f.name), String(NAMESPACES.public), lit(f.result), lit(f.args), String(f.nargs), String(f.rettype), String(f.retset)]);
  return [
    `CREATE OR REPLACE TABLE ${NSP} (oid INTEGER, nspname VARCHAR)`,
    `INSERT INTO ${NSP} VALUES ${values(nsp)}`,
    `CREATE OR REPLACE TABLE ${FIXED_REL} (oid INTEGER, nspoid INTEGER, nspname VARCHAR, relname VARCHAR, relkind VARCHAR, relnatts SMALLINT, definition VARCHAR)`,
    `INSERT INTO ${FIXED_REL} VALUES ${values(rel)}`,
    `CREATE OR REPLACE TABLE ${FIXED_ATT} (attrelid INTEGER, attname VARCHAR, atttypid INTEGER, atttypmod INTEGER, attnum SMALLINT, attnotnull BOOLEAN)`,
    `INSERT INTO ${FIXED_ATT} VALUES ${values(att)}`,
    `CREATE OR REPLACE TABLE ${TYPES} (oid INTEGER, typname VARCHAR, typlen SMALLINT, typbyval BOOLEAN, typtype VARCHAR, typcategory VARCHAR,
      typispreferred BOOLEAN, typdelim VARCHAR, typelem INTEGER, typarray INTEGER, typinput VARCHAR, typoutput VARCHAR, typreceive VARCHAR,
      typsend VARCHAR, typalign VARCHAR, typstorage VARCHAR, typcollation INTEGER, display VARCHAR)`,
    `INSERT INTO ${TYPES} VALUES ${values(types)}`,
    `CREATE OR REPLACE TABLE ${PROC} (oid INTEGER, proname VARCHAR, nspoid INTEGER, result VARCHAR, args VARCHAR, nargs SMALLINT, rettype INTEGER, retset BOOLEAN)`,
    `INSERT INTO ${PROC} VALUES ${values(proc)}`,
  ];
}
