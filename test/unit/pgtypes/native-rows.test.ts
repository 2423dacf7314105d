/**
 * The native text row writer (native/text_rows.c) must send exactly the bytes of the JavaScript
 * row writer, over many chunks of every column type it handles, with NULLs, extremes, and values
 * it declines (written by JavaScript within the same chunk).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javascriptRowWriter, makeRowWriter } from '../../../src/pgtypes/encode.js';
import { nativeTextKinds } from '../../../src/pgtypes/native-rows.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { openDuck } from './helpers.js';

let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await openDuck();
});

afterAll(() => duck.closeSync());

const N = 20_000;
const COLUMNS = [
  'CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 256 - 128)::TINYINT END',
  '(i * 37 % 65536 - 32768)::SMALLINT',
  'CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 2654435761 % 4294967296 - 2147483648)::INTEGER END',
  "CASE WHEN i % 3 = 0 THEN -2147483648 ELSE 2147483647 END::INTEGER",
  '(i % 256)::UTINYINT', '(i * 7 % 65536)::USMALLINT', '(i * 2654435761 % 4294967296)::UINTEGER',
  'CASE WHEN i % 3 = 0 THEN -(i % 10000) * 922337203685477 WHEN i % 3 = 1 THEN i * 1000003 ELSE NULL END',
  "CASE WHEN i % 2 = 0 THEN -9223372036854775808 ELSE 9223372036854775807 - i END::BIGINT",
  "CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN 'NaN'::DOUBLE WHEN i % 17 = 0 THEN '-inf'::DOUBLE ELSE (i * 1.5 - 7000)::DOUBLE / (i % 17 + 1) END",
  'round((i * 0.001 - 3)::DOUBLE, (i % 7)::INTEGER)',
  'pow(10, i % 40 - 20) * (i % 9 + 0.123)',
  "CASE WHEN i % 19 = 0 THEN -0.0::DOUBLE WHEN i % 23 = 0 THEN 0.0::DOUBLE ELSE i * 1.5 END",
  "CASE WHEN i % 9 = 0 THEN NULL WHEN i % 4 = 0 THEN 'short' || i WHEN i % 4 = 1 THEN repeat('x', i % 20) ELSE repeat('é', i % 300) || md5(i::VARCHAR) END",
  "CASE WHEN i % 6 = 0 THEN NULL ELSE i % 2 = 0 END",
  "TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 123456789)",
  "CASE WHEN i % 4 = 0 THEN 'infinity'::TIMESTAMP WHEN i % 4 = 1 THEN TIMESTAMP '-0043-03-15 12:00:00' WHEN i % 4 = 2 THEN TIMESTAMP '12000-01-01 00:00:00' ELSE TIMESTAMP '0001-01-01 00:00:00' + to_days(i) END",
  "CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN '-infinity'::TIMESTAMPTZ ELSE TIMESTAMPTZ '2026-03-29 00:00:00+00' + to_microseconds(i * 987654321) END",
  "TIMESTAMPTZ '0001-01-01 00:00:00+00' + to_microseconds(i * 9876543210123)",
];

/** Encodes every row of `sql` with the native and the JavaScript writers, in pieces of `step` rows. */
async function both(sql: string, timeZone: string, step = 2048): Promise<{ native: Buffer; js: Buffer; usedNative: boolean }> {
  const result = await duck.stream(sql);
  const types = result.columnTypes();
  const ctx = { timeZone };
  const native = makeRowWriter(types, [], ctx);
  const js = javascriptRowWriter(types, types.map(() => 0), ctx);
  // small buffers: the native writer must stop at row boundaries and grow them
  const a = new BufferWriter(16);
  const b = new BufferWriter(16);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let from = 0; from < chunk.rowCount; from += step) {
      const to = Math.min(chunk.rowCount, from + step);
      native(chunk, a, from, to);
      js(chunk, b, from, to);
    }
  }
  return { native: a.take(), js: b.take(), usedNative: nativeTextKinds(types, [], ctx) !== null };
}

describe('native text rows', () => {
  it.each(COLUMNS)('%s: the same bytes as JavaScript', async (expr) => {
    const { native, js, usedNative } = await both(`SELECT ${expr} AS v FROM range(${N}) t(i)`, 'UTC');
    expect(usedNative).toBe(true);
    expect(native.length).toBe(js.length);
    expect(native.equals(js)).toBe(true);
  });

  it('writes every column of a wide row, and pieces of chunks (maxRows)', async () => {
    const sql = `SELECT ${COLUMNS.map((c, k) => `${c} AS c${k}`).join(', ')} FROM range(${N}) t(i)`;
    for (const step of [2048, 9, 8, 3]) {
      const { native, js } = await both(sql, 'UTC', step);
      expect(native.equals(js), `step ${step}`).toBe(true);
    }
  });

  it('leaves TIMESTAMPTZ outside UTC, binary results and other types to JavaScript', async () => {
    const tz = await duck.stream("SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00' AS t");
    expect(nativeTextKinds(tz.columnTypes(), [], { timeZone: 'Europe/Paris' })).toBeNull();
    expect(nativeTextKinds(tz.columnTypes(), [], { timeZone: 'UTC' })).not.toBeNull();
    const ints = await duck.stream('SELECT 1::INTEGER AS a');
    expect(nativeTextKinds(ints.columnTypes(), [1], { timeZone: 'UTC' })).toBeNull();
    for (const other of ["'1'::DECIMAL(9,2)", "DATE '2026-01-01'", '[1, 2]', '1::HUGEINT', "'x'::BLOB"]) {
      const r = await duck.stream(`SELECT ${other} AS v`);
      expect(nativeTextKinds(r.columnTypes(), [], { timeZone: 'UTC' }), other).toBeNull();
    }
  });
});
