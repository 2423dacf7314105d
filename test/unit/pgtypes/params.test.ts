/**
 * Bind parameters: a value bound with bindParam into `SELECT $1::T` on DuckDB must come back
 * (through our text encoder) exactly as PostgreSQL 15 prints `SELECT $1::T` for the same
 * wire value. Binary inputs are PostgreSQL's own typsend bytes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnEncoder } from '../../../src/pgtypes/encode.js';
import { bindParam, duckTypeNameForOid } from '../../../src/pgtypes/params.js';
import { Oid, allPgTypes } from '../../../src/pgtypes/oids.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { openDuck, UTC } from './helpers.js';
import { PgRaw } from './pg-raw.js';

let duck: DuckDBConnection;
let client: pg.Client;
let raw: PgRaw;

beforeAll(async () => {
  duck = await openDuck();
  client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  raw = await PgRaw.connect();
});

afterAll(async () => {
  await client.end();
  await raw.close();
  duck.closeSync();
});

/** Binds `value` into `SELECT $1::duckType` and returns the text our encoder sends. */
async function viaSirius(duckType: string, oid: number, format: 0 | 1, value: Buffer | null): Promise<string | null> {
  const stmt = await duck.prepare(`SELECT $1::${duckType}`);
  try {
    bindParam(stmt, 1, oid, format, value);
    const result = await stmt.run();
    const chunk = (await result.fetchChunk())!;
    const w = new BufferWriter(64);
    columnEncoder(result.columnType(0), 0, UTC)(chunk.getColumnVector(0), 0, w);
    const len = w.buf.readInt32BE(0);
    return len < 0 ? null : w.buf.toString('utf8', 4, 4 + len);
  } finally {
    stmt.destroySync();
  }
}

async function viaPostgres(pgType: string, text: string): Promise<string | null> {
  const r = await client.query({ text: `SELECT $1::${pgType} AS v`, values: [text], types: { getTypeParser: () => (v: string) => v } });
  return r.rows[0].v;
}

async function errorOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected an error');
}

/** [PostgreSQL type, DuckDB type, OID, text values] */
const TEXT_CASES: [string, string, number, string[]][] = [
  ['bool', 'BOOLEAN', Oid.bool, ['t', 'yes', 'on', 'off', '0', ' TRUE ', 'f', 'n']],
  ['int2', 'SMALLINT', Oid.int2, ['-32768', ' 7 ']],
  ['int4', 'INTEGER', Oid.int4, ['5', ' -42 ', '+7']],
  ['int8', 'BIGINT', Oid.int8, ['9007199254740993', '-9223372036854775808']],
  ['float8', 'DOUBLE', Oid.float8, ['1.5', 'NaN', '-Infinity', '1e-7', 'inf', ' 2.5e3 ', '.5']],
  ['float4', 'FLOAT', Oid.float4, ['1.5', '3.4e38', '-0.1']],
  ['numeric(10,2)', 'DECIMAL(10,2)', Oid.numeric, ['1.5', '-0.005', '12345678.91']],
  ['text', 'VARCHAR', Oid.text, ['héllo', '', '{not an array}']],
  ['bytea', 'BLOB', Oid.bytea, ['\\x0a0b', '\\xDEADbeef', 'a\\\\b\\001c', 'plain']],
  ['date', 'DATE', Oid.date, ['2026-01-01', '0044-03-15 BC', 'infinity', '-infinity']],
  ['timestamp', 'TIMESTAMP', Oid.timestamp, ['2026-01-01 04:05:06.5', '0044-03-15 12:00:00 BC', '2026-01-01T04:05:06']],
  ['timestamptz', 'TIMESTAMPTZ', Oid.timestamptz, ['2026-01-01 04:05:06.5+05:30', '2026-01-01 04:05:06-08', 'infinity']],
  ['interval', 'INTERVAL', Oid.interval, ['1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00', 'P1Y2M3DT4H5M6.5S', '@ 1 hour ago',
    '1 years 2 mons 3 days 4 hours 5 mins 6.5 secs', '1.5 days', '90 minutes', '5', '1 day -00:00:01', 'P-1DT-1H', '2 weeks', '1.5 months', 'PT36H', 'P0.5Y']],
  ['uuid', 'UUID', Oid.uuid, ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}']],
  ['time', 'TIME', Oid.time, ['04:05:06.789', '24:00:00']],
  ['timetz', 'TIMETZ', Oid.timetz, ['04:05:06+05:30']],
  ['json', 'JSON', Oid.json, ['{"a": 1}']],
  ['int4[]', 'INTEGER[]', 1007, ['{1,2,NULL}', '{}', ' { 3 , 4 } ']],
  ['text[]', 'VARCHAR[]', 1009, ['{a,"b c",NULL,"NULL","\\"q\\"","x\\\\y"}', '{"a,b",c}']],
  ['int4[]', 'INTEGER[][]', 1007, ['{{1,2},{3,4}}']],
  ['bool[]', 'BOOLEAN[]', 1000, ['{t,f,on}']],
  ['date[]', 'DATE[]', 1182, ['{2026-01-01,"0044-03-15 BC"}']],
  ['bytea[]', 'BLOB[]', 1001, ['{"\\\\x0a0b"}']],
  ['interval[]', 'INTERVAL[]', 1187, ['{"1 day","-1 days +02:00:00"}']],
];

describe('text parameters', () => {
  for (const [pgType, duckType, oid, values] of TEXT_CASES) {
    it(`read ${pgType} like PostgreSQL, with the OID declared or inferred`, async () => {
      for (const v of values) {
        const want = await viaPostgres(pgType, v);
        expect({ v, got: await viaSirius(duckType, oid, 0, Buffer.from(v)) }).toEqual({ v, got: want });
        expect({ v, got: await viaSirius(duckType, 0, 0, Buffer.from(v)) }).toEqual({ v, got: want });
      }
    });
  }

  it('reject bad text with PostgreSQL’s SQLSTATE and message', async () => {
    const bad: [string, string, number, string][] = [
      ['int4', 'INTEGER', Oid.int4, 'abc'], ['int4', 'INTEGER', Oid.int4, '5.5'], ['int4', 'INTEGER', Oid.int4, '99999999999'],
      ['int2', 'SMALLINT', Oid.int2, '40000'], ['int8', 'BIGINT', Oid.int8, '1e3'], ['bool', 'BOOLEAN', Oid.bool, 'maybe'],
      ['bool', 'BOOLEAN', Oid.bool, 'o'], ['float8', 'DOUBLE', Oid.float8, 'x1'], ['float8', 'DOUBLE', Oid.float8, '1e400'],
      ['bytea', 'BLOB', Oid.bytea, '\\xZZ'], ['bytea', 'BLOB', Oid.bytea, '\\x0'], ['bytea', 'BLOB', Oid.bytea, 'a\\9'], ['int4[]', 'INTEGER[]', 1007, '{1,2'],
    ];
    for (const [pgType, duckType, oid, v] of bad) {
      const want = await errorOf(() => viaPostgres(pgType, v));
      expect({ v, ...(await errorOf(() => viaSirius(duckType, oid, 0, Buffer.from(v)))) }).toEqual({ v, ...want });
    }
  });

  it('leaves other bad text to DuckDB’s cast error', async () => {
    const e = await errorOf(() => viaSirius('TIMESTAMPTZ', Oid.timestamptz, 0, Buffer.from('not a time')));
    expect(e.message).toMatch(/Conversion Error/);
  });

  it('rejects text that is not UTF-8 with 22021', async () => {
    expect((await errorOf(() => viaSirius('VARCHAR', Oid.text, 0, Buffer.from([0x61, 0xff])))).code).toBe('22021');
  });

  it('binds a VARCHAR into an untyped $1, which DuckDB cannot use in arithmetic (why the server casts)', async () => {
    const stmt = await duck.prepare('SELECT $1 AS a');
    bindParam(stmt, 1, 0, 0, Buffer.from('x'));
    expect((await (await stmt.run()).getRows())[0][0]).toBe('x');
    stmt.destroySync();
    const plus = await duck.prepare('SELECT $1 + 1');
    bindParam(plus, 1, 0, 0, Buffer.from('5'));
    await expect(plus.run()).rejects.toThrow(/Could not choose a best candidate function/);
    plus.destroySync();
  });
});

const BINARY_CASES: [string, string, number, string[]][] = [
  ['bool', 'BOOLEAN', Oid.bool, ['true', 'false']],
  ['int2', 'SMALLINT', Oid.int2, ['-32768']],
  ['int4', 'INTEGER', Oid.int4, ['-42', '2147483647']],
  ['int8', 'BIGINT', Oid.int8, ['9007199254740993', '-9223372036854775808']],
  ['float4', 'FLOAT', Oid.float4, ['1.5', '-0.1']],
  ['float8', 'DOUBLE', Oid.float8, ['1.5', 'NaN', '-Infinity', '1e-300']],
  ['numeric(38,10)', 'DECIMAL(38,10)', Oid.numeric, ['1.5', '-0.005', '0', '12345678901234567890.0123456789', '10000', '0.0001']],
  ['numeric(10,2)', 'DECIMAL(10,2)', Oid.numeric, ['1.50', '-3']],
  ['text', 'VARCHAR', Oid.text, ['héllo', '']],
  ['varchar', 'VARCHAR', Oid.varchar, ['abc']],
  ['json', 'JSON', Oid.json, ['{"a": 1}']],
  ['jsonb', 'JSON', Oid.jsonb, ['{"a": 1}']],
  ['bytea', 'BLOB', Oid.bytea, ['\\x00ff10']],
  ['date', 'DATE', Oid.date, ['2026-01-01', '0044-03-15 BC', 'infinity', '-infinity', '1999-12-31']],
  ['time', 'TIME', Oid.time, ['04:05:06.789']],
  ['timetz', 'TIMETZ', Oid.timetz, ['04:05:06.789+05:30', '23:00:00-08']],
  ['timestamp', 'TIMESTAMP', Oid.timestamp, ['2026-01-01 04:05:06.5', '1900-01-01 00:00:00', 'infinity', '-infinity']],
  ['timestamptz', 'TIMESTAMPTZ', Oid.timestamptz, ['2026-01-01 04:05:06.5+00', '0044-03-15 12:00:00+00 BC']],
  ['interval', 'INTERVAL', Oid.interval, ['1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00']],
  ['uuid', 'UUID', Oid.uuid, ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ffffffff-0000-0000-0000-000000000001']],
  ['int4[]', 'INTEGER[]', 1007, ['{1,2,NULL}', '{}']],
  ['int4[]', 'INTEGER[][]', 1007, ['{{1,2},{3,4}}']],
  ['text[]', 'VARCHAR[]', 1009, ['{a,"b c",NULL}']],
  ['timestamptz[]', 'TIMESTAMPTZ[]', 1185, ['{"2026-01-01 04:05:06+00"}']],
];

describe('binary parameters', () => {
  for (const [pgType, duckType, oid, values] of BINARY_CASES) {
    it(`decode PostgreSQL's ${pgType} send format`, async () => {
      for (const v of values) {
        const literal = `'${v.replace(/'/g, "''")}'::${pgType}`;
        const bytes = (await raw.query(`SELECT ${literal}`, 1)).rows[0][0];
        const want = (await raw.query(`SELECT ${literal}`, 0)).rows[0][0]!.toString();
        expect({ v, got: await viaSirius(duckType, oid, 1, bytes) }).toEqual({ v, got: want });
      }
    });
  }

  it('decodes with DuckDB’s inferred type when the OID is 0', async () => {
    expect(await viaSirius('INTEGER', 0, 1, Buffer.from([0, 0, 1, 0]))).toBe('256');
  });

  it('rejects malformed bytes with 22P03 and a reason', async () => {
    const cases: [string, number, Buffer, RegExp][] = [
      ['INTEGER', Oid.int4, Buffer.from([0, 1, 2]), /integer needs 4 bytes, got 3/],
      ['BIGINT', Oid.int8, Buffer.alloc(4), /bigint needs 8 bytes/],
      ['JSON', Oid.jsonb, Buffer.from([2, 0x7b, 0x7d]), /unsupported jsonb version number 2/],
      ['DECIMAL(10,2)', Oid.numeric, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]), /invalid numeric digit 10000/],
      ['INTEGER[]', 1007, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25]), /wrong element type 25, expected 23/],
      ['UUID', Oid.uuid, Buffer.alloc(15), /uuid needs 16 bytes/],
    ];
    for (const [duckType, oid, bytes, detail] of cases) {
      const e = await errorOf(() => viaSirius(duckType, oid, 1, bytes));
      expect(e).toMatchObject({ code: '22P03', message: 'incorrect binary data format in bind parameter 1' });
      try {
        await viaSirius(duckType, oid, 1, bytes);
      } catch (err) {
        expect((err as PgError).detail).toMatch(detail);
      }
    }
  });

  it('refuses binary for a parameter whose type nobody knows', async () => {
    const stmt = await duck.prepare('SELECT $1');
    expect(() => bindParam(stmt, 1, 0, 1, Buffer.from([1]))).toThrow(expect.objectContaining({ code: '42P18' }));
    stmt.destroySync();
  });

  it('refuses numeric NaN, which DuckDB cannot hold', async () => {
    const nan = (await raw.query("SELECT 'NaN'::numeric", 1)).rows[0][0];
    expect((await errorOf(() => viaSirius('DOUBLE', Oid.numeric, 1, nan))).code).toBe('0A000');
  });

  it('binds NULL in either format', async () => {
    expect(await viaSirius('INTEGER', Oid.int4, 1, null)).toBeNull();
    expect(await viaSirius('INTEGER', Oid.int4, 0, null)).toBeNull();
  });
});

describe('duckTypeNameForOid', () => {
  it('names a DuckDB type for every scalar and array OID Sirius knows, or undefined', async () => {
    const named = allPgTypes().filter((t) => duckTypeNameForOid(t.oid) !== undefined);
    expect(named.length).toBeGreaterThan(40);
    for (const t of named) {
      await duck.run(`SELECT CAST(NULL AS ${duckTypeNameForOid(t.oid)})`);
    }
    expect(duckTypeNameForOid(Oid.int4)).toBe('INTEGER');
    expect(duckTypeNameForOid(1007)).toBe('INTEGER[]');
    expect(duckTypeNameForOid(Oid.regclass)).toBeUndefined();
    expect(duckTypeNameForOid(999999)).toBeUndefined();
  });
});
