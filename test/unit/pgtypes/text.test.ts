/**
 * Text format (format code 0): every value is encoded from a real DuckDB result and compared
 * byte for byte, together with its type OID, with what PostgreSQL 15 sends for the same value.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithPg, duckEncode, openDuck, same, type Case } from './helpers.js';
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

describe('integers and booleans', () => {
  it('match PostgreSQL', async () => {
    const cases = [
      ...same('true', 'false', '1::smallint', '(-32768)::smallint', '2147483647::integer', '(-2147483648)::integer'),
      ...same('9223372036854775807::bigint', '(-9223372036854775808)::bigint', '0::bigint', '(-123456789012)::bigint'),
      ...same('9007199254740993::bigint', '(-9007199254740993)::bigint'),
      both('(-128)::tinyint', '(-128)::int2'),
      both('255::utinyint', '255::int2'),
      both('65535::usmallint', '65535::int4'),
      both('4294967295::uinteger', '4294967295::oid'),
      both('18446744073709551615::ubigint', '18446744073709551615::numeric'),
      both('12::ubigint', '12::numeric'),
      both('170141183460469231731687303715884105727::hugeint', '170141183460469231731687303715884105727::numeric'),
      both('(-170141183460469231731687303715884105727)::hugeint', '(-170141183460469231731687303715884105727)::numeric'),
      both('(-5)::hugeint', '(-5)::numeric'),
      both('340282366920938463463374607431768211455::uhugeint', '340282366920938463463374607431768211455::numeric'),
      both('12345678901234567890123::bignum', '12345678901234567890123::numeric'),
      both('(-12345678901234567890123)::bignum', '(-12345678901234567890123)::numeric'),
      both('0::bignum', '0::numeric'),
    ];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });
});

describe('numeric', () => {
  it('keeps DECIMAL scale exactly, at every storage width', async () => {
    const pairs: [string, string][] = [
      ['1.50', 'decimal(10,2)'], ['-0.05', 'decimal(10,2)'], ['0', 'decimal(10,2)'], ['12.3', 'decimal(4,1)'],
      ['-999.9', 'decimal(4,1)'], ['123456.123456', 'decimal(18,6)'], ['-0.000001', 'decimal(18,6)'],
      ['123456789012345678.12', 'decimal(20,2)'], ['-99999999999999999999999999.9999999999', 'decimal(38,10)'],
      ['7', 'decimal(9,0)'], ['0.1', 'decimal(38,37)'],
    ];
    const cases = pairs.map(([v, t]) => both(`${v}::${t}`, `${v}::${t.replace('decimal', 'numeric')}`));
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });
});

describe('float8 and float4', () => {
  const float8 = ['1.5', '-0', '0', 'NaN', 'Infinity', '-Infinity', '1e100', '1.5e-7', '123456789012345678', '0.1', '1e15',
    '1e-4', '1e-5', '0.00012345', '999999999999999', '1e14', '0.30000000000000004', '5e-324', '1.7976931348623157e308',
    '-123.456', '100', '2.5e-5', '1234567890123456.7', '-1e21', '12345.678e10'];
  it('prints float8 like PostgreSQL (extra_float_digits = 1)', async () => {
    const cases = float8.map((v) => both(`'${v}'::double`, `'${v}'::float8`));
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });

  it('prints float4 like PostgreSQL', async () => {
    const float4 = ['1.5', '-0', 'NaN', 'Infinity', '-Infinity', '1e6', '123456', '999999', '1234567', '0.0001', '1e-5',
      '0.1', '3.4028235e38', '1.4e-45', '16777216', '16777217', '-2.5e-3', '100000', '1e-45'];
    const cases = float4.map((v) => both(`'${v}'::float`, `'${v}'::float4`));
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });

  it('agrees on random doubles and floats', async () => {
    const bits = new Uint32Array(2);
    const f64 = new Float64Array(bits.buffer);
    const f32 = new Float32Array(bits.buffer, 0, 1);
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const doubles: string[] = [];
    const floats: string[] = [];
    while (doubles.length < 300) {
      bits[0] = next();
      bits[1] = next();
      if (Number.isFinite(f64[0])) doubles.push(String(f64[0]));
      if (Number.isFinite(f32[0])) floats.push(String(f32[0]));
    }
    // Also values of everyday magnitudes, where the fixed/exponent switch and integer boundaries are.
    while (doubles.length < 600) {
      const mantissa = 1 + next() / 2 ** 32 * 9;
      const v = mantissa * 10 ** ((next() % 34) - 9);
      doubles.push(String(v), String(Math.round(v)));
      floats.push(String(Math.fround(v)), String(Math.fround(Math.round(v))));
    }
    const d = doubles.map((v) => both(`'${v}'::double`, `'${v}'::float8`));
    const f = floats.map((v) => both(`'${v}'::double::float`, `'${v}'::float8::float4`));
    expect(await compareWithPg(duck, pg, d, 0)).toEqual([]);
    expect(await compareWithPg(duck, pg, f, 0)).toEqual([]);
  });
});

describe('strings, bytes, uuid, bit', () => {
  it('match PostgreSQL', async () => {
    const cases = [
      ...same("'hello'", "''", "'héllo wörld ✓'", "'a string longer than twelve bytes'", "'exactly12byt'", "'13 bytes long'"),
      both("'{\"a\": [1, 2]}'::json", "'{\"a\": [1, 2]}'::json"),
      both("'\\x0A\\x0B\\xFF'::blob", "'\\x0a0bff'::bytea"),
      both("''::blob", "''::bytea"),
      // GEOMETRY is sent as its WKB: POINT(1 2) is byte order 1, type 1, then x and y as little-endian doubles.
      both("'POINT(1 2)'::GEOMETRY", "'\\x0101000000000000000000f03f0000000000000040'::bytea"),
      both("'a longer blob than twelve bytes'::blob", "'a longer blob than twelve bytes'::bytea"),
      ...same("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'00000000-0000-0000-0000-000000000000'::uuid",
        "'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid", "'7fffffff-ffff-ffff-ffff-ffffffffffff'::uuid",
        "'80000000-0000-0000-0000-000000000001'::uuid"),
      both("'0101'::bit", "'0101'::varbit"),
      both("'101010101'::bit", "'101010101'::varbit"),
      both("'11111111'::bit", "'11111111'::varbit"),
      both("'1'::bit", "'1'::varbit"),
    ];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });

  it('sends ENUM values as text', async () => {
    await duck.run("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy ✓')");
    const cases = [both("'happy ✓'::mood", "'happy ✓'::text"), both("'sad'::mood", "'sad'::text")];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });
});

describe('dates and times', () => {
  it('match PostgreSQL', async () => {
    const cases = [
      ...same("'2026-01-01'::date", "'infinity'::date", "'-infinity'::date", "'1970-01-01'::date", "'0001-01-01'::date",
        "'2000-02-29'::date", "'1969-12-31'::date", "'10000-01-01'::date", "'1582-10-04'::date"),
      both("'-0043-03-15'::date", "'0044-03-15 BC'::date"),
      both("'0000-12-31'::date", "'0001-12-31 BC'::date"),
      ...same("'04:05:06.789'::time", "'00:00:00'::time", "'23:59:59.999999'::time", "'24:00:00'::time", "'12:00:00.5'::time"),
      both("'04:05:06.123456'::time_ns", "'04:05:06.123456'::time"),
      ...same("'04:05:06.789+05:30'::timetz", "'04:05:06-08'::timetz", "'04:05:06+00'::timetz", "'04:05:06+00:09:21'::timetz",
        "'23:59:59.5-15:59'::timetz"),
      ...same("'2026-01-01 04:05:06.5'::timestamp", "'2026-01-01 00:00:00'::timestamp", "'infinity'::timestamp",
        "'-infinity'::timestamp", "'1900-02-28 23:59:59.000001'::timestamp", "'1969-12-31 23:59:59.999999'::timestamp",
        "'2262-04-11 23:47:16.854775'::timestamp", "'1677-09-21 00:12:43.145225'::timestamp", "'9999-12-31 23:59:59'::timestamp"),
      both("'-0043-03-15 12:00:00'::timestamp", "'0044-03-15 12:00:00 BC'::timestamp"),
      both("'2026-01-01 04:05:06'::timestamp_s", "'2026-01-01 04:05:06'::timestamp"),
      both("'2026-01-01 04:05:06.123'::timestamp_ms", "'2026-01-01 04:05:06.123'::timestamp"),
      both("'2026-01-01 04:05:06.123456'::timestamp_ns", "'2026-01-01 04:05:06.123456'::timestamp"),
      both("'1960-01-01 04:05:06.123456'::timestamp_ns", "'1960-01-01 04:05:06.123456'::timestamp"),
      ...same("'2026-01-01 04:05:06.5+00'::timestamptz", "'infinity'::timestamptz", "'-infinity'::timestamptz"),
    ];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });

  it('keeps the nanoseconds of TIMESTAMP_NS and TIME_NS as DuckDB prints them, in a form PostgreSQL reads back', async () => {
    const values: [string, string][] = [
      ["'2026-01-01 04:05:06.123456789'", 'timestamp'], ["'1960-01-01 04:05:06.123456789'", 'timestamp'],
      ["'1969-12-31 23:59:59.000000001'", 'timestamp'], ["'1970-01-01 00:00:00.000000123'", 'timestamp'],
      ["'1969-01-01 23:59:59.9999999'", 'timestamp'], ["'2262-04-11 23:47:16.854775806'", 'timestamp'],
      ["'1677-09-22 00:00:00.000000999'", 'timestamp'], ["'2026-01-01 04:05:06.5'", 'timestamp'],
      ["'15:30:00.123456789'", 'time'], ["'00:00:00.000000001'", 'time'], ["'23:59:59.999999999'", 'time'],
      ["'12:00:00.12'", 'time'], ["'23:35:57.0000001'", 'time'],
    ];
    const duckValues = values.map(([v, t]) => `${v}::${t}_ns`);
    const encoded = await duckEncode(duck, `SELECT ${duckValues.map((v) => `${v}, ${v}::VARCHAR`).join(', ')}`, 0);
    const texts = values.map((_v, i) => encoded.rows[0][2 * i]!.toString());
    expect(texts).toEqual(values.map((_v, i) => encoded.rows[0][2 * i + 1]!.toString()));
    // PostgreSQL's own input function accepts the digits and rounds them to its microseconds
    const readBack = await pg.query(`SELECT ${values.map(([, t], i) => `'${texts[i]}'::${t}`).join(', ')}`, 0);
    const direct = await pg.query(`SELECT ${values.map(([v, t]) => `${v}::${t}`).join(', ')}`, 0);
    expect(readBack.rows).toEqual(direct.rows);
  });

  it('keeps the nanoseconds inside arrays and JSON', async () => {
    const encoded = await duckEncode(duck, "SELECT ['2026-01-01 04:05:06.123456789'::timestamp_ns], {'t': '15:30:00.000000001'::time_ns}", 0);
    expect(encoded.rows[0].map((v) => v!.toString())).toEqual(['{"2026-01-01 04:05:06.123456789"}', '{"t":"15:30:00.000000001"}']);
  });

  it('prints intervals in IntervalStyle postgres', async () => {
    const cases = [
      ...['1 year 2 mons 3 days 04:05:06.5', '0', '1 mon', '-1 years -2 mons -3 days -04:05:06', '100 hours',
        '1 day -00:00:01', '2147483647 mons', '0.5 seconds', '-0.000001 seconds', '1 year -1 mon', '-2 days',
        '1 day', '3 days 00:00:01', '-3 years', '13 mons 1 day'].map((v) => both(`INTERVAL '${v.replace(/\bmons?\b/, (m) => (m === 'mons' ? 'months' : 'month'))}'`, `'${v}'::interval`)),
      both("INTERVAL '-1 day' + INTERVAL '2 hours'", "'-1 days +02:00:00'::interval"),
      both("INTERVAL '-3 months' + INTERVAL '1 day'", "'-3 mons +1 day'::interval"),
      both("INTERVAL '-1 month' + INTERVAL '1 day' - INTERVAL '1 hour'", "'-1 mons +1 day -01:00:00'::interval"),
      both('to_microseconds(9007199254740993)', "'9007199254 seconds'::interval + '740993 microseconds'::interval"),
      both('to_microseconds(-9007199254740993)', "'-9007199254 seconds'::interval - '740993 microseconds'::interval"),
    ];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });
});

describe('timestamptz in the session time zone', () => {
  const instants = ['2026-01-01 04:05:06.5+00', '2026-03-29 00:59:59+00', '2026-03-29 01:00:00+00', '2026-10-25 00:59:59.999999+00',
    '2026-10-25 01:00:00+00', '1800-01-01 00:00:00+00', '1911-03-10 23:50:39+00', '1900-06-30 12:00:00+00', '2100-07-01 12:00:00+00',
    '2037-06-01 00:00:00+00', '2150-01-01 00:00:00+00', '1970-01-01 00:00:00+00', '0044-03-15 12:00:00+00 BC', '2024-02-29 23:30:00+00',
    '1969-12-31 23:59:59.999999+00', '2026-01-01 00:00:00+00'];
  const zones = ['UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/Sao_Paulo', 'America/New_York', 'Australia/Lord_Howe',
    'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Europe/London', 'Africa/Monrovia', 'Pacific/Kiritimati'];
  for (const zone of zones) {
    it(`renders ${zone} like PostgreSQL`, async () => {
      await pg.simple(`SET TimeZone = '${zone}'`);
      const cases = instants.map((i) => both(
        `'${i.endsWith(' BC') ? '-0043' + i.slice(4, -3) : i}'::timestamptz`,
        `'${i}'::timestamptz`,
      ));
      expect(await compareWithPg(duck, pg, cases, 0, { timeZone: zone })).toEqual([]);
    });
  }
});
