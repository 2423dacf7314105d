/**
 * Type mapping: the OID table against PostgreSQL's pg_type, and each DuckDB column type's
 * RowDescription fields (OID, typlen, typmod) against PostgreSQL's for a column of the
 * corresponding type.
 */
import { DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnEncoder } from '../../../src/pgtypes/encode.js';
import { PG_CHAR_LABELS, pgTypeOf } from '../../../src/pgtypes/mapping.js';
import { allPgTypes } from '../../../src/pgtypes/oids.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { openDuck, UTC } from './helpers.js';
import { PgRaw } from './pg-raw.js';

let duck: DuckDBConnection;
let raw: PgRaw;

beforeAll(async () => {
  duck = await openDuck();
  raw = await PgRaw.connect();
});

afterAll(async () => {
  await raw.close();
  duck.closeSync();
});

describe('OID table', () => {
  it('matches pg_type (name, typlen, typarray) for every entry', async () => {
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    const r = await client.query('SELECT oid::int AS oid, typname, typlen::int AS typlen, typarray::int AS typarray FROM pg_type');
    await client.end();
    const byOid = new Map(r.rows.map((row) => [row.oid as number, row]));
    for (const t of allPgTypes()) {
      const row = byOid.get(t.oid);
      expect({ oid: t.oid, name: row?.typname, typlen: row?.typlen }).toEqual({ oid: t.oid, name: t.name, typlen: t.typlen });
      if (t.arrayOid !== 0) expect({ oid: t.oid, typarray: row?.typarray }).toEqual({ oid: t.oid, typarray: t.arrayOid });
    }
  });
});

/** [DuckDB column type, PostgreSQL column type] */
const COLUMNS: [string, string][] = [
  ['BOOLEAN', 'bool'], ['TINYINT', 'int2'], ['SMALLINT', 'int2'], ['UTINYINT', 'int2'], ['INTEGER', 'int4'], ['USMALLINT', 'int4'],
  ['BIGINT', 'int8'], ['UINTEGER', 'oid'], ['UBIGINT', 'numeric'], ['HUGEINT', 'numeric'], ['UHUGEINT', 'numeric'],
  ['BIGNUM', 'numeric'], ['DECIMAL(10,2)', 'numeric(10,2)'], ['DECIMAL(38,0)', 'numeric(38,0)'], ['DECIMAL(4,4)', 'numeric(4,4)'],
  ['FLOAT', 'float4'], ['DOUBLE', 'float8'], ['VARCHAR', 'text'], ['JSON', 'json'], ['BLOB', 'bytea'], ['DATE', 'date'],
  ['TIME', 'time'], ['TIMETZ', 'timetz'], ['TIMESTAMP', 'timestamp'], ['TIMESTAMP_S', 'timestamp'], ['TIMESTAMP_MS', 'timestamp'],
  ['TIMESTAMP_NS', 'timestamp'], ['TIMESTAMPTZ', 'timestamptz'], ['INTERVAL', 'interval'], ['UUID', 'uuid'], ['BIT', 'varbit'],
  ['INTEGER[]', 'int4[]'], ['VARCHAR[]', 'text[]'], ['INTEGER[][]', 'int4[]'], ['DECIMAL(10,2)[]', 'numeric(10,2)[]'],
  ['TIMESTAMPTZ[]', 'timestamptz[]'], ['DOUBLE[3]', 'float8[]'], ['STRUCT(a INTEGER)', 'json'], ['MAP(VARCHAR, INTEGER)', 'json'],
  ['UNION(a INTEGER, b VARCHAR)', 'json'], ['STRUCT(a INTEGER)[]', 'json[]'], ['BOOLEAN[]', 'bool[]'], ['UUID[]', 'uuid[]'],
  ['UINTEGER[]', 'oid[]'], [`ENUM(${PG_CHAR_LABELS.map((l) => `'${l.replace(/'/g, "''")}'`).join(', ')})`, '"char"'],
  ["ENUM('a', 'b')", 'text'],
];

describe('pgTypeOf', () => {
  it('gives each DuckDB column the OID, typlen and typmod PostgreSQL sends for the same column type', async () => {
    const duckCols = COLUMNS.map(([d], i) => `c${i} ${d}`).join(', ');
    const pgCols = COLUMNS.map(([, p], i) => `c${i} ${p}`).join(', ');
    await duck.run(`CREATE TABLE m (${duckCols})`);
    await raw.simple(`DROP TABLE IF EXISTS sirius_pgtypes_mapping; CREATE TEMP TABLE sirius_pgtypes_mapping (${pgCols})`);
    const ref = await raw.query('SELECT * FROM sirius_pgtypes_mapping', 0);
    const types = (await duck.stream('SELECT * FROM m')).columnTypes();
    const lens = await pgTypeLengths(ref.oids);
    COLUMNS.forEach(([d], i) => {
      const mapped = pgTypeOf(types[i]);
      expect({ d, oid: mapped.oid, typmod: mapped.typmod, typlen: mapped.typlen }).toEqual({ d, oid: ref.oids[i], typmod: ref.typmods[i], typlen: lens.get(ref.oids[i]) });
    });
  });

  it('names types with their pg_type name', async () => {
    const types = (await duck.stream("SELECT 1::INTEGER, [1]::INTEGER[], 'x'::VARCHAR, {'a': 1}")).columnTypes();
    expect(types.map((t) => pgTypeOf(t).name)).toEqual(['int4', '_int4', 'text', 'json']);
  });

  it('refuses a type PostgreSQL clients cannot receive, with 0A000, before any row is sent', async () => {
    const types = (await duck.stream('SELECT 1::VARIANT')).columnTypes();
    expect(types[0].typeId).toBe(DuckDBTypeId.VARIANT);
    expect(() => pgTypeOf(types[0])).toThrow(PgError);
    expect(() => columnEncoder(types[0], 0, UTC)).toThrow(expect.objectContaining({ code: '0A000' }));
  });
});

async function pgTypeLengths(oids: number[]): Promise<Map<number, number>> {
  const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  await client.connect();
  const r = await client.query('SELECT oid::int AS oid, typlen::int AS typlen FROM pg_type WHERE oid = ANY($1)', [oids]);
  await client.end();
  return new Map(r.rows.map((row) => [row.oid as number, row.typlen as number]));
}
