/**
 * Binary format (format code 1): bytes compared with PostgreSQL 15's typsend output for the
 * same values, fetched with result format 1 over the extended protocol.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnEncoder, makeRowWriter } from '../../../src/pgtypes/encode.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { compareWithPg, openDuck, same, UTC, type Case } from './helpers.js';
import { PgRaw } from './pg-raw.js';

let duck: DuckDBConnection;
let pg: PgRaw;

beforeAll(async () => {
  duck = await openDuck();
  pg = await PgRaw.connect();
});

afterAll(async () => {
  await pg.close();
  duck.closeSync();
});

const both = (duckSql: string, pgSql: string): Case => ({ duck: duckSql, pg: pgSql });

describe('binary scalars', () => {
  it('match PostgreSQL for numbers', async () => {
    const cases = [
      ...same('true', 'false', '(-32768)::smallint', '2147483647::integer', '(-2147483648)::integer', '(-1)::bigint'),
      ...same('9223372036854775807::bigint', '(-9223372036854775808)::bigint', '4294967296::bigint'),
      both('(-128)::tinyint', '(-128)::int2'),
      both('255::utinyint', '255::int2'),
      both('65535::usmallint', '65535::int4'),
      both('4294967295::uinteger', '4294967295::oid'),
      both("'1.5'::double", "'1.5'::float8"),
      both("'NaN'::double", "'NaN'::float8"),
      both("'-Infinity'::double", "'-Infinity'::float8"),
      both("'-0'::double", "'-0'::float8"),
      both("'0.1'::float", "'0.1'::float4"),
    ];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });

  it('match PostgreSQL numeric_send', async () => {
    const decimals: [string, string][] = [
      ['1.50', '(10,2)'], ['-0.05', '(10,2)'], ['0', '(10,2)'], ['12.3', '(4,1)'], ['123456.123456', '(18,6)'],
      ['-0.000001', '(18,6)'], ['123456789012345678.12', '(20,2)'], ['-99999999999999999999999999.9999999999', '(38,10)'],
      ['10000', '(9,0)'], ['0.0001', '(9,4)'], ['100000000', '(18,0)'], ['0.1', '(38,37)'], ['1', '(5,1)'],
    ];
    const cases = [
      ...decimals.map(([v, t]) => both(`${v}::decimal${t}`, `${v}::numeric${t}`)),
      both('18446744073709551615::ubigint', '18446744073709551615::numeric'),
      both('170141183460469231731687303715884105727::hugeint', '170141183460469231731687303715884105727::numeric'),
      both('(-170141183460469231731687303715884105727)::hugeint', '(-170141183460469231731687303715884105727)::numeric'),
      both('0::hugeint', '0::numeric'),
      both('340282366920938463463374607431768211455::uhugeint', '340282366920938463463374607431768211455::numeric'),
      both('(-12345678901234567890123)::bignum', '(-12345678901234567890123)::numeric'),
    ];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });

  it('match PostgreSQL for strings, bytes, uuid and bits', async () => {
    const cases = [
      ...same("'hello'", "''", "'a string longer than twelve bytes é'", "'{\"a\": 1}'::json"),
      both("'\\x0A\\x0B\\xFF'::blob", "'\\x0a0bff'::bytea"),
      ...same("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'80000000-0000-0000-0000-000000000001'::uuid"),
      both("'0101'::bit", "'0101'::varbit"),
      both("'101010101'::bit", "'101010101'::varbit"),
      both("'1111111100000001'::bit", "'1111111100000001'::varbit"),
      both("'1'::bit", "'1'::varbit"),
    ];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });

  it('match PostgreSQL for dates, times and intervals', async () => {
    const cases = [
      ...same("'2026-01-01'::date", "'1999-12-31'::date", "'infinity'::date", "'-infinity'::date"),
      both("'-0043-03-15'::date", "'0044-03-15 BC'::date"),
      ...same("'04:05:06.789'::time", "'24:00:00'::time", "'04:05:06.789+05:30'::timetz", "'04:05:06-08'::timetz"),
      ...same("'2026-01-01 04:05:06.5'::timestamp", "'1900-01-01 00:00:00'::timestamp", "'infinity'::timestamp", "'-infinity'::timestamp"),
      ...same("'2026-01-01 04:05:06.5+00'::timestamptz", "'infinity'::timestamptz", "'-infinity'::timestamptz"),
      both("'-0043-03-15 12:00:00'::timestamp", "'0044-03-15 12:00:00 BC'::timestamp"),
      both("'2026-01-01 04:05:06'::timestamp_s", "'2026-01-01 04:05:06'::timestamp"),
      both("'2026-01-01 04:05:06.123'::timestamp_ms", "'2026-01-01 04:05:06.123'::timestamp"),
      both("'2026-01-01 04:05:06.123456789'::timestamp_ns", "'2026-01-01 04:05:06.123456'::timestamp"),
      both("INTERVAL '1 year 2 months 3 days 04:05:06.5'", "'1 year 2 mons 3 days 04:05:06.5'::interval"),
      both("INTERVAL '-1 day' + INTERVAL '2 hours'", "'-1 days +02:00:00'::interval"),
    ];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });
});

describe('binary arrays and json', () => {
  it('match PostgreSQL array_send', async () => {
    const cases = [
      both('[1, 2, NULL]', 'array[1, 2, NULL]'),
      both('[1, 2]', 'array[1, 2]'),
      both("['a', NULL, 'b c']", "array['a', NULL, 'b c']"),
      both('[[1, 2], [3, 4], [5, 6]]', 'array[[1, 2], [3, 4], [5, 6]]'),
      both('[]::INTEGER[]', "'{}'::int4[]"),
      both('[[]]::INTEGER[][]', "'{}'::int4[]"),
      both("['2026-01-01 04:05:06+00'::timestamptz]", "array['2026-01-01 04:05:06+00'::timestamptz]"),
      both('[1.5::decimal(10,2)]', 'array[1.5::numeric(10,2)]'),
      both('[1, 2]::BIGINT[2]', 'array[1::int8, 2]'),
      both("[{'a': 1}]", "array[(select row_to_json(r) from (select 1 as a) r)]"),
    ];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });

  it('sends STRUCT as json text bytes', async () => {
    const cases = [both("{'a': 1, 'b': [true]}", '(select row_to_json(r) from (select 1 as a, array[true] as b) r)')];
    expect(await compareWithPg(duck, pg, cases, 1)).toEqual([]);
  });

  it('refuses a ragged nested list and leaves only whole DataRows in the writer', async () => {
    const result = await duck.stream('SELECT x FROM (VALUES ([[1, 2], [3, 4]]), ([[1], [2, 3]])) t(x)');
    const write = makeRowWriter(result.columnTypes(), [1], UTC);
    const w = new BufferWriter(64);
    const chunk = (await result.fetchChunk())!;
    let error: unknown;
    try {
      write(chunk, w);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PgError);
    expect((error as PgError).code).toBe('22000');
    expect((error as PgError).detail).toMatch(/lengths 1 and 2/);
    // The first row was complete and stays; the failed one was rolled back.
    expect(w.length).toBe(w.buf.readInt32BE(1) + 1);
  });

  it('rejects an unknown format code', () => {
    expect(() => columnEncoder({ typeId: 4 } as never, 2 as 0, UTC)).toThrow(PgError);
  });
});
