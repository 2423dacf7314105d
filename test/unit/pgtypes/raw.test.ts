/**
 * Pins the @duckdb/node-api internals that raw.ts reads, and checks the string run reader
 * (strings.ts) against node-api's own getItem() on strings from every kind of DuckDB source:
 * computed, in-memory tables, a database file, Parquet, sorted and dictionary-compressed data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayChild, bytesOf, int64Words, itemsOf, listParts, mapList, structEntries, unionStruct, validityBits } from '../../../src/pgtypes/raw.js';
import { StringVectorReader } from '../../../src/pgtypes/strings.js';
import { openDuck } from './helpers.js';

let duck: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  duck = await openDuck();
  dir = mkdtempSync(join(tmpdir(), 'sirius-pgtypes-'));
});

afterAll(() => {
  duck.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function firstChunk(conn: DuckDBConnection, sql: string) {
  const result = await conn.stream(sql);
  return (await result.fetchChunk())!;
}

describe('node-api vector internals', () => {
  it('exposes items, validity and data views where raw.ts reads them', async () => {
    const chunk = await firstChunk(duck, `SELECT i::INTEGER AS a, CASE WHEN i = 1 THEN NULL ELSE i::BIGINT END AS b, i % 2 = 0 AS c,
      'x' || i AS d, [i, NULL] AS l, {'k': i} AS s, MAP([i], ['v']) AS m, union_value(n := i) AS u, [i, i]::INTEGER[2] AS arr
      FROM range(3) t(i)`);
    expect([...itemsOf(chunk.getColumnVector(0), Int32Array)]).toEqual([0, 1, 2]);
    const b = chunk.getColumnVector(1);
    const valid = validityBits(b)!;
    expect([0, 1, 2].map((r) => (valid[r >> 3] >> (r & 7)) & 1)).toEqual([1, 0, 1]);
    expect(validityBits(chunk.getColumnVector(0))).toBeNull();
    expect(int64Words(itemsOf(b, BigInt64Array))[4]).toBe(2);
    expect([...bytesOf(chunk.getColumnVector(2))].slice(0, 3)).toEqual([1, 0, 1]);
    const list = listParts(chunk.getColumnVector(4));
    expect([list.entries[4], list.entries[6]]).toEqual([2, 2]);
    expect(structEntries(chunk.getColumnVector(5))).toHaveLength(1);
    expect(structEntries(listParts(mapList(chunk.getColumnVector(6))).child)).toHaveLength(2);
    expect(structEntries(unionStruct(chunk.getColumnVector(7)))).toHaveLength(2);
    expect([...itemsOf(arrayChild(chunk.getColumnVector(8)), Int32Array)].slice(0, 4)).toEqual([0, 0, 1, 1]);
  });

  it('fails loudly when a vector lacks the expected field', () => {
    const fake = { constructor: { name: 'Fake' } } as never;
    expect(() => itemsOf(fake, Int32Array)).toThrow(/Fake no longer exposes items as Int32Array/);
    expect(() => validityBits(fake)).toThrow(/validity/);
  });
});

/** Every string of `sql`'s first column, read by StringVectorReader and by node-api. */
async function compareStrings(conn: DuckDBConnection, sql: string): Promise<number> {
  const result = await conn.stream(sql);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return rows;
    const vector = chunk.getColumnVector(0);
    const reader = new StringVectorReader(vector);
    for (let r = 0; r < chunk.rowCount; r++) {
      const expected = vector.getItem(r) as string | null;
      const valid = reader.valid === null || ((reader.valid[r >> 3] >> (r & 7)) & 1) === 1;
      if (!valid) {
        expect(expected).toBeNull();
        continue;
      }
      const len = reader.locate(r);
      const got = Buffer.from(reader.src.subarray(reader.srcStart, reader.srcStart + len)).toString('utf8');
      if (got !== expected) expect({ row: rows + r, got }).toEqual({ row: rows + r, got: expected });
    }
    rows += chunk.rowCount;
  }
}

describe('StringVectorReader', () => {
  const VALUES = `CASE WHEN i % 17 = 0 THEN NULL WHEN i % 5 = 0 THEN 'short' || (i % 3)
    WHEN i % 7 = 0 THEN repeat(md5(i::VARCHAR), 50) ELSE 'value number ' || i || ' ✓ ' || md5(i::VARCHAR) END`;

  it('reads computed strings', async () => {
    expect(await compareStrings(duck, `SELECT ${VALUES} FROM range(20000) t(i)`)).toBe(20000);
  });

  it('reads strings from an in-memory table, sorted and shuffled', async () => {
    await duck.run(`CREATE TABLE strs AS SELECT i, ${VALUES} AS s FROM range(30000) t(i)`);
    expect(await compareStrings(duck, 'SELECT s FROM strs')).toBe(30000);
    expect(await compareStrings(duck, 'SELECT s FROM strs ORDER BY s')).toBe(30000);
    expect(await compareStrings(duck, 'SELECT s FROM strs ORDER BY hash(i)')).toBe(30000);
    expect(await compareStrings(duck, 'SELECT s FROM strs WHERE i % 3 = 0')).toBe(10000);
  });

  it('reads strings from a database file and from Parquet (dictionary pages)', async () => {
    const file = await DuckDBInstance.create(join(dir, 'strings.duckdb'));
    const conn = await file.connect();
    await conn.run(`CREATE TABLE strs AS SELECT i, ${VALUES} AS s, 'category ' || (i % 10) || ' with a long enough name' AS c FROM range(50000) t(i)`);
    await conn.run('CHECKPOINT');
    expect(await compareStrings(conn, 'SELECT s FROM strs')).toBe(50000);
    expect(await compareStrings(conn, 'SELECT c FROM strs')).toBe(50000);
    await conn.run(`COPY strs TO '${join(dir, 'strs.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`);
    expect(await compareStrings(conn, `SELECT c FROM '${join(dir, 'strs.parquet')}'`)).toBe(50000);
    expect(await compareStrings(conn, `SELECT s FROM '${join(dir, 'strs.parquet')}' WHERE i % 2 = 1`)).toBe(25000);
    conn.closeSync();
  });
});
