/**
 * The specialised encoders (fast.ts) must send exactly what the generic writers send, over
 * many chunks, with NULLs, long strings and values outside their shortcuts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnEncoder, genericColumnEncoder, type FormatCode } from '../../../src/pgtypes/encode.js';
import { float8Text } from '../../../src/pgtypes/float.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { openDuck } from './helpers.js';

let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await openDuck();
});

afterAll(() => duck.closeSync());

/** Encodes every row of `sql` with both encoders and returns [fast, generic] bytes. */
async function bothEncoders(sql: string, format: FormatCode, timeZone = 'UTC'): Promise<[Buffer, Buffer, number]> {
  const result = await duck.stream(sql);
  const type = result.columnType(0);
  const fast = columnEncoder(type, format, { timeZone });
  const generic = genericColumnEncoder(type, format, { timeZone });
  const a = new BufferWriter(64);
  const b = new BufferWriter(64);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const v = chunk.getColumnVector(0);
    for (let r = 0; r < chunk.rowCount; r++) {
      fast(v, r, a);
      generic(v, r, b);
    }
    rows += chunk.rowCount;
  }
  return [a.take(), b.take(), rows];
}

const N = 10_000;
const COLUMNS: [string, string][] = [
  ['tinyint', 'CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 256 - 128)::TINYINT END'],
  ['smallint', '(i * 37 % 65536 - 32768)::SMALLINT'],
  ['integer', 'CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 2654435761 % 4294967296 - 2147483648)::INTEGER END'],
  ['utinyint / usmallint / uinteger', '(i * 2654435761 % 4294967296)::UINTEGER'],
  ['bigint', 'CASE WHEN i % 3 = 0 THEN -i * 922337203685477 WHEN i % 3 = 1 THEN i * 1000003 ELSE NULL END'],
  ['bigint beyond 2^53', '(9223372036854775807 - i)::BIGINT'],
  ['double', "CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN 'NaN'::DOUBLE ELSE (i * 1.5 - 7000)::DOUBLE / (i % 17 + 1) END"],
  ['double decimals', 'round((i * 0.001 - 3)::DOUBLE, (i % 7)::INTEGER)'],
  ['double wide range', 'pow(10, i % 40 - 20) * (i % 9 + 0.123)'],
  ['varchar', "CASE WHEN i % 9 = 0 THEN NULL WHEN i % 4 = 0 THEN 'short' || i ELSE repeat('é', i % 300) || md5(i::VARCHAR) END"],
  ['boolean', 'CASE WHEN i % 6 = 0 THEN NULL ELSE i % 2 = 0 END'],
  ['timestamp', "TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 123456789)"],
  ['timestamp far', "CASE WHEN i % 4 = 0 THEN 'infinity'::TIMESTAMP WHEN i % 4 = 1 THEN TIMESTAMP '-0043-03-15 12:00:00' WHEN i % 4 = 2 THEN TIMESTAMP '12000-01-01 00:00:00' ELSE TIMESTAMP '0001-01-01 00:00:00' + to_days(i) END"],
  ['timestamptz', "CASE WHEN i % 10 = 0 THEN NULL ELSE TIMESTAMPTZ '2026-03-29 00:00:00+00' + to_microseconds(i * 987654321) END"],
];

describe('fast text and binary encoders', () => {
  for (const [name, expr] of COLUMNS) {
    it(`match the generic writer for ${name}`, async () => {
      for (const format of [0, 1] as const) {
        const [fast, generic, rows] = await bothEncoders(`SELECT ${expr} FROM range(${N}) t(i)`, format);
        expect(rows).toBe(N);
        expect({ format, same: fast.equals(generic) }).toEqual({ format, same: true });
      }
    });
  }

  it('match the generic writer for timestamptz in a zone with DST', async () => {
    const sql = `SELECT TIMESTAMPTZ '2026-03-29 00:00:00+00' + to_microseconds(i * 987654321) FROM range(${N}) t(i)`;
    const [fast, generic] = await bothEncoders(sql, 0, 'Europe/Paris');
    expect(fast.equals(generic)).toBe(true);
  });

  it('print doubles with few decimals exactly as float8Text does', () => {
    // writeDoubleValue's digit loop against the reference for values that hit it.
    const values: number[] = [];
    for (let i = 0; i < 20000; i++) values.push(i * 0.001 - 7, i / 8, -i * 0.37, 1e-4 * (i + 1), 999999999.5 - i, (i % 1000) * 1.1);
    const result = values.map((v) => float8Text(v));
    const w = new BufferWriter(64);
    const encoder = columnEncoder({ typeId: 11 } as never, 0, { timeZone: 'UTC' });
    const items = new Float64Array(values);
    const vector = { items, validity: { data: null, offset: 0 } } as never;
    values.forEach((_, i) => encoder(vector, i, w));
    const out = w.take();
    let pos = 0;
    const got: string[] = [];
    while (pos < out.length) {
      const len = out.readInt32BE(pos);
      got.push(out.toString('latin1', pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    expect(got).toEqual(result);
  });
});
