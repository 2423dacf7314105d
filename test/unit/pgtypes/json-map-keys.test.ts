/**
 * MAP keys in Sirius's json: json_object_agg's rule (the key's JSON, made a string unless it is
 * one), checked against PostgreSQL 15 where it accepts the key type, and extended to the LIST,
 * STRUCT, MAP and UNION keys it refuses ("key value must be scalar"), whose key is the JSON
 * text of the key — checked against PostgreSQL's to_json, Sirius's own json of the same value
 * and DuckDB's to_json of the key.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckEncode, openDuck } from './helpers.js';
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

/** The first row's values as Sirius sends them in `format`. */
async function sirius(sql: string, format: 0 | 1 = 0): Promise<(string | null)[]> {
  const r = await duckEncode(duck, sql, format);
  return r.rows[0].map((v) => (v === null ? null : v.toString('utf8')));
}

async function postgres(sql: string): Promise<(string | null)[]> {
  const r = await pg.query(sql, 0);
  return r.rows[0].map((v) => (v === null ? null : v.toString('utf8')));
}

async function duckdb(sql: string): Promise<string> {
  const r = await duck.runAndReadAll(sql);
  return String(r.getRows()[0][0]);
}

/**
 * The member names of a JSON object, in order and exactly as written (JSON.parse reorders
 * integer-like names); the text must be valid JSON, as a client's parser needs it.
 */
function keysOf(json: string): string[] {
  expect(() => JSON.parse(json), json).not.toThrow();
  const keys: string[] = [];
  const colon = /\s*:/y;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      colon.lastIndex = end + 1;
      if (depth === 1 && colon.test(json)) keys.push(JSON.parse(json.slice(i, end + 1)) as string);
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

describe('scalar MAP keys', () => {
  it('are the keys PostgreSQL json_object_agg writes for the same values', async () => {
    const cases: [duck: string, pg: string][] = [
      ['true', 'true'],
      ['false', 'false'],
      ['-42', '-42'],
      ['1.50::DECIMAL(10,2)', '1.50::numeric(10,2)'],
      ['1.5::DOUBLE', '1.5::float8'],
      ["'NaN'::DOUBLE", "'NaN'::float8"],
      ['0.1::FLOAT', '0.1::float4'],
      ["'2026-01-01'::DATE", "'2026-01-01'::date"],
      ["'2026-01-01 04:05:06.5'::TIMESTAMP", "'2026-01-01 04:05:06.5'::timestamp"],
      [`'a"b\\c' || chr(10)`, `'a"b\\c' || chr(10)`],
      ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"],
      ["INTERVAL '1 day 2 hours'", "'1 day 2 hours'::interval"],
      ["'\\xDE\\xAD'::BLOB", "'\\xdead'::bytea"],
    ];
    const got = await sirius(`SELECT ${cases.map(([d]) => `MAP {${d}: 1}`).join(', ')}`);
    const want = await postgres(`SELECT ${cases.map(([, p]) => `json_object_agg(${p}, 1)`).join(', ')}`);
    expect(got.map((g) => keysOf(g!))).toEqual(want.map((w) => keysOf(w!)));
  });
});

describe('nested MAP keys', () => {
  it('write a LIST key as the JSON text PostgreSQL to_json gives the same array', async () => {
    const lists: [duck: string, pg: string][] = [
      ['[1, 2, 3]', 'ARRAY[1, 2, 3]'],
      [`['a"b', NULL, '', 'x,y']`, `ARRAY['a"b', NULL, '', 'x,y']`],
      ['[[1, 2], [3, 4]]', 'ARRAY[[1, 2], [3, 4]]'],
      ['[1.5::DOUBLE, 1e100]', 'ARRAY[1.5::float8, 1e100::float8]'],
      ["['2026-01-01 04:05:06'::TIMESTAMP]", "ARRAY['2026-01-01 04:05:06'::timestamp]"],
      ['[]::INTEGER[]', "'{}'::int4[]"],
    ];
    const got = await sirius(`SELECT ${lists.map(([d]) => `MAP {${d}: 1}`).join(', ')}`);
    const want = await postgres(`SELECT ${lists.map(([, p]) => `json_object_agg(to_json(${p})::text, 1)`).join(', ')}`);
    expect(got.map((g) => keysOf(g!))).toEqual(want.map((w) => keysOf(w!)));
    expect(got[0]).toBe('{"[1,2,3]":1}');
  });

  it('write STRUCT and MAP keys as the json Sirius sends for the same value', async () => {
    const values = ["{'i': 10, 's': 'a\"b'}", "{'i': NULL, 'l': [1, 2]}", "MAP {'c=d': 'x y'}", "{'m': MAP {1: {'deep': true}}}"];
    const keys = await sirius(`SELECT ${values.map((v) => `MAP {${v}: 1}`).join(', ')}`);
    const json = await sirius(`SELECT ${values.join(', ')}`);
    expect(keys.map((k) => keysOf(k!))).toEqual(json.map((j) => [j]));
    expect(keys[0]).toBe('{"{\\"i\\":10,\\"s\\":\\"a\\\\\\"b\\"}":1}');
  });

  it('write a STRUCT key as PostgreSQL row_to_json writes the row', async () => {
    const [got] = await sirius("SELECT MAP {{'i': 10, 'ts': '2026-01-01 04:05:06.5'::TIMESTAMP, 'f': 'NaN'::DOUBLE}: 1}");
    const [want] = await postgres("SELECT json_object_agg(row_to_json(r)::text, 1) FROM (SELECT 10 AS i, '2026-01-01 04:05:06.5'::timestamp AS ts, 'NaN'::float8 AS f) r");
    expect(keysOf(got!)).toEqual(keysOf(want!));
  });

  it('parse back to the value DuckDB to_json gives the key', async () => {
    const values = ['[1, 2, 3]', "['x', NULL]", "{'i': 10, 's': 'x y'}", "MAP {'a': 1, 'b': 2}", '[{\'k\': [true, false]}]'];
    const keys = await sirius(`SELECT ${values.map((v) => `MAP {${v}: 1}`).join(', ')}`);
    for (const [i, v] of values.entries()) {
      const [key] = keysOf(keys[i]!);
      expect(JSON.parse(key), v).toEqual(JSON.parse(await duckdb(`SELECT to_json(${v})::VARCHAR`)));
    }
  });

  it('write a UNION key as its active member\'s key', async () => {
    const u = 'UNION(k INTEGER, s VARCHAR, l INTEGER[], r STRUCT(a INTEGER))';
    const members = ['1', "'x y'", "'[not json'", '[2, 3]', "{'a': 4}"];
    const [map] = await sirius(`SELECT MAP {${members.map((m, i) => `${m}::${u}: ${i}`).join(', ')}}`);
    const plain = await sirius(`SELECT ${members.map((m) => `MAP {${m}: 0}`).join(', ')}`);
    expect(keysOf(map!)).toEqual(plain.flatMap((p) => keysOf(p!)));
    expect(keysOf(map!)).toEqual(['1', 'x y', '[not json', '[2,3]', '{"a":4}']);
    // DuckDB's to_json agrees for scalar members (it writes nested keys in its VARCHAR form).
    expect(keysOf(await duckdb(`SELECT to_json(MAP {1::${u}: 0, 'x y'::${u}: 1})::VARCHAR`))).toEqual(['1', 'x y']);
  });

  it('keep a JSON-typed key as its text', async () => {
    const [map] = await sirius(`SELECT MAP {'{"a": 1}'::JSON: 1, ' "x"'::JSON: 2}`);
    expect(keysOf(map!)).toEqual(['{"a": 1}', ' "x"']);
  });

  it('send histogram bins (STRUCT keys) as valid json in text and binary format', async () => {
    const sql = "SELECT histogram({'i': n}, [{'i': x} for x in [10, 20]]) FROM range(30) t(n)";
    const [text] = await sirius(sql, 0);
    const [binary] = await sirius(sql, 1);
    expect(binary).toBe(text);
    expect(JSON.parse(text!)).toEqual({ '{"i":10}': 11, '{"i":20}': 10, '{"i":null}': 9 });
  });
});
