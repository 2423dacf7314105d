/**
 * LIST / ARRAY as PostgreSQL arrays and STRUCT / MAP / UNION as json, in text format, compared
 * with PostgreSQL 15 where it has the same value (arrays, row_to_json).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithPg, duckEncode, openDuck, type Case } from './helpers.js';
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

async function duckText(sql: string): Promise<(string | null)[]> {
  const r = await duckEncode(duck, sql, 0);
  return r.rows[0].map((v) => (v === null ? null : v.toString('utf8')));
}

describe('arrays in text format', () => {
  it('match PostgreSQL array_out', async () => {
    const strings = `'a', 'b c', '', NULL, '"q"', 'NULL', 'null', 'x,y', '\\', ' lead', '{', '}', 'tab\there', 'é✓', 'Nul'`;
    const cases = [
      both('[1, 2, NULL]', 'array[1, 2, NULL]'),
      both(`[${strings}]`, `array[${strings}]`),
      both('[[1, 2], [3, 4]]', 'array[[1, 2], [3, 4]]'),
      both('[[[1], [2]], [[3], [4]]]', 'array[[[1], [2]], [[3], [4]]]'),
      both('[]::INTEGER[]', "'{}'::int4[]"),
      both("['2026-01-01 04:05:06+00'::timestamptz, NULL]", "array['2026-01-01 04:05:06+00'::timestamptz, NULL]"),
      both("['2026-01-01 04:05:06'::timestamp]", "array['2026-01-01 04:05:06'::timestamp]"),
      both("['2026-01-01'::date, '-0043-03-15'::date]", "array['2026-01-01'::date, '0044-03-15 BC'::date]"),
      both("[1.5::double, 'NaN'::double, '-Infinity'::double, 1e100::double]", "array[1.5::float8, 'NaN', '-Infinity', 1e100]"),
      both('[true, false, NULL]', 'array[true, false, NULL]'),
      both('[1.50::decimal(10,2), -3::decimal(10,2)]', 'array[1.50::numeric(10,2), -3::numeric(10,2)]'),
      both("['\\x0A'::blob, ''::blob]", "array['\\x0a'::bytea, '']"),
      both("['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]", "array['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]"),
      both("[INTERVAL '1 day', INTERVAL '-2 hours']", "array['1 day'::interval, '-02:00:00']"),
      both("['04:05:06'::time]", "array['04:05:06'::time]"),
      both("[9007199254740993::bigint]", "array[9007199254740993::int8]"),
      both('[1, 2]::INTEGER[2]', 'array[1, 2]'),
      both("[['a b', NULL], ['c', 'd']]::VARCHAR[2][]", "array[['a b', NULL], ['c', 'd']]"),
      both("['{\"a\": 1}'::json]", "array['{\"a\": 1}'::json]"),
      both("[1::tinyint]", "array[1::int2]"),
      both("[255::utinyint]", "array[255::int2]"),
      both("['0101'::bit]", "array['0101'::varbit]"),
    ];
    expect(await compareWithPg(duck, pg, cases, 0)).toEqual([]);
  });

  it('prints ragged and NULL sub-lists as they are', async () => {
    expect(await duckText('SELECT [[1, 2], [3]], [[1], NULL], [NULL::INTEGER[]]')).toEqual(['{{1,2},{3}}', '{{1},NULL}', '{NULL}']);
  });

  it('sends a list of structs as json[] with each element quoted', async () => {
    const r = await duckEncode(duck, "SELECT [{'a': 1, 'b': 'x y'}, NULL]", 0);
    expect(r.oids).toEqual([199]);
    expect(r.rows[0][0]!.toString()).toBe('{"{\\"a\\":1,\\"b\\":\\"x y\\"}",NULL}');
  });
});

describe('STRUCT, MAP and UNION as json', () => {
  it('matches PostgreSQL row_to_json for a struct of every kind of member', async () => {
    const members: [string, string, string][] = [
      ['f', '1.5::double', '1.5::float8'],
      ['n', "'NaN'::double", "'NaN'::float8"],
      ['inf', "'-Infinity'::double", "'-Infinity'::float8"],
      ['big', '1e100::double', '1e100::float8'],
      ['r', '1.25::float', '1.25::float4'],
      ['b', 'true', 'true'],
      ['z', 'NULL::INTEGER', 'NULL::int4'],
      ['i', '-42', '-42'],
      ['h', '170141183460469231731687303715884105727::hugeint', '170141183460469231731687303715884105727::numeric'],
      ['l', '[1, 2]', 'array[1, 2]'],
      ['ls', "['a', NULL]", "array['a', NULL]"],
      ['ts', "'2026-01-01 04:05:06.5+00'::timestamptz", "'2026-01-01 04:05:06.5+00'::timestamptz"],
      ['tsz', "'2026-01-01 04:05:06'::timestamp", "'2026-01-01 04:05:06'::timestamp"],
      ['bc', "'-0043-03-15 12:00:00'::timestamp", "'0044-03-15 12:00:00 BC'::timestamp"],
      ['d', "'2026-01-01'::date", "'2026-01-01'::date"],
      ['m', '1.50::decimal(10,2)', '1.50::numeric(10,2)'],
      ['s', `'q"\\' || chr(10) || chr(1) || 'é'`, `'q"\\' || chr(10) || chr(1) || 'é'`],
      ['j', `'{"k": [1, 2]}'::json`, `'{"k": [1, 2]}'::json`],
      ['iv', "INTERVAL '1 day'", "'1 day'::interval"],
      ['u', "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"],
      ['by', "'\\xDE\\xAD'::blob", "'\\xdead'::bytea"],
      ['t', "'04:05:06'::time", "'04:05:06'::time"],
      ['nested key "x"', "{'inner': 1}", '(select row_to_json(x) from (select 1 as inner) x)'],
    ];
    const duckStruct = `{${members.map(([k, d]) => `'${k}': ${d}`).join(', ')}}`;
    const pgRow = `(select row_to_json(r__) from (select ${members.map(([k, , p]) => `${p} as "${k.replace(/"/g, '""')}"`).join(', ')}) r__)`;
    expect(await compareWithPg(duck, pg, [both(duckStruct, pgRow)], 0)).toEqual([]);
  });

  it('renders timestamptz inside json in the session zone', async () => {
    await pg.simple("SET TimeZone = 'Asia/Kolkata'");
    const cases = [both("{'ts': '2026-01-01 04:05:06.5+00'::timestamptz}", "(select row_to_json(t) from (select '2026-01-01 04:05:06.5+00'::timestamptz as ts) t)")];
    expect(await compareWithPg(duck, pg, cases, 0, { timeZone: 'Asia/Kolkata' })).toEqual([]);
    await pg.simple("SET TimeZone = 'UTC'");
  });

  it('writes MAP as an object keyed by the text of its keys', async () => {
    const [m, n, e] = await duckText("SELECT MAP(['k1', 'k \"2\"'], [1, NULL]), MAP([1, 2], [[1.5], []]::DOUBLE[][]), MAP([]::INTEGER[], []::INTEGER[])");
    expect(JSON.parse(m!)).toEqual({ k1: 1, 'k "2"': null });
    expect(m).toBe('{"k1":1,"k \\"2\\"":null}');
    expect(JSON.parse(n!)).toEqual({ '1': [1.5], '2': [] });
    expect(e).toBe('{}');
  });

  it('writes UNION as its active member', async () => {
    const rows = await duckEncode(duck, "SELECT u FROM (VALUES (union_value(num := 2)::UNION(num INTEGER, str VARCHAR)), ('x y'), (NULL)) t(u)", 0);
    expect(rows.oids).toEqual([114]);
    expect(rows.rows.map((r) => r[0]?.toString() ?? null)).toEqual(['2', '"x y"', null]);
  });

  it('sends a NULL struct as NULL and a struct of NULLs as an object', async () => {
    const rows = await duckEncode(duck, "SELECT s FROM (VALUES ({'a': 1}), (NULL), ({'a': NULL})) t(s)", 0);
    expect(rows.rows.map((r) => r[0]?.toString() ?? null)).toEqual(['{"a":1}', null, '{"a":null}']);
  });
});
