/**
 * Nested values against the real engines: PostgreSQL 15's array_out and to_json give the
 * wire forms, DuckDB 1.5's VARCHAR cast gives the rendering the runner compares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTextToDuck, parsePgArray, pgArrayToDuck, quoteNested, scalarElementRenderer } from './duck-nested.js';
import { UnconvertibleValue } from './duck-scalar.js';
import { parseDuckType } from './duck-type.js';
import { openReferences, type References } from './references.js';

let refs: References;
beforeAll(async () => {
  refs = await openReferences();
});
afterAll(async () => refs?.close());

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

describe('quoting of strings inside lists', () => {
  it('quotes exactly the strings DuckDB quotes (every ASCII character, alone and inside)', async () => {
    const strings = ['', 'null', 'NULL', 'Null', ' a', 'a ', 'a b', 'a\\b', "a\\b'"];
    for (let c = 1; c < 128; c++) strings.push(String.fromCharCode(c), `a${String.fromCharCode(c)}b`);
    const duck = await refs.duck(`SELECT unnest([${strings.map((s) => `[${sqlString(s)}]::VARCHAR`).join(',')}])`);
    expect(strings.map((s) => `[${quoteNested(s)}]`)).toEqual(duck);
  });
});

describe('PostgreSQL arrays → DuckDB lists', () => {
  const cases: [pgExpr: string, duckExpr: string, elementOid: number][] = [
    ["ARRAY['a b', NULL, 'NULL', '', 'x,y', '{', 'a\"b', 'a\\b', 'it''s', ' lead', 'trail ']::text[]",
      "['a b', NULL, 'NULL', '', 'x,y', '{', 'a\"b', 'a\\b', 'it''s', ' lead', 'trail ']::VARCHAR[]", 25],
    ['ARRAY[[1, 2], [3, NULL]]::int4[]', '[[1, 2], [3, NULL]]::INTEGER[][]', 23],
    ["ARRAY[]::int4[]", '[]::INTEGER[]', 23],
    ['ARRAY[1.5, 1e15, 1e16, -0.0]::float8[]', '[1.5, 1e15, 1e16, -0.0]::DOUBLE[]', 701],
    ['ARRAY[0.1]::float4[]', '[0.1]::FLOAT[]', 700],
    ['ARRAY[true, false, NULL]', '[true, false, NULL]', 16],
    ["ARRAY[date '2020-01-01', date '0001-01-01' - 1]", "[DATE '2020-01-01', DATE '0001-01-01' - 1]", 1082],
    ["ARRAY[timestamp '2020-01-01 10:00:00.5']", "[TIMESTAMP '2020-01-01 10:00:00.5']", 1114],
    ["ARRAY[timestamptz '2020-01-01 10:00:00+00']", "[TIMESTAMPTZ '2020-01-01 10:00:00+00']", 1184],
    ["ARRAY[interval '1 day', interval '1 day 01:00:00', interval '-1 mon']", "[INTERVAL '1 day', INTERVAL '1 day 01:00:00', INTERVAL '-1 month']", 1186],
    ["ARRAY[decode('00412c5c', 'hex')]", "[from_hex('00412c5c')]", 17],
    ['ARRAY[1.50::numeric(4,2)]', '[1.50::DECIMAL(4,2)]', 1700],
  ];

  it('renders every element type as DuckDB renders the same list', async () => {
    for (const [pgExpr, duckExpr, elementOid] of cases) {
      const [pgText] = await refs.pg(`SELECT ${pgExpr}`);
      const [duck] = await refs.duck(`SELECT ${duckExpr}`);
      expect(pgArrayToDuck(pgText!, scalarElementRenderer(elementOid)), pgExpr).toBe(duck);
    }
  });

  it('reads ragged nesting, which Sirius sends for DuckDB lists of unequal lists', () => {
    expect(parsePgArray('{{1},{2,3},NULL,{}}')).toEqual([['1'], ['2', '3'], null, []]);
  });

  it('rejects text that is no array', () => {
    expect(() => parsePgArray('{1,2')).toThrow(UnconvertibleValue);
    expect(() => parsePgArray('[1,2]')).toThrow(UnconvertibleValue);
  });
});

describe('JSON (to_json forms) → DuckDB STRUCT / MAP / LIST renderings', () => {
  const structs: [pgJson: string, duckValue: string][] = [
    ["json_build_object('a', 1, 's', 'x,y', 'v', 'hello', 'n', NULL::int)", "{'a': 1, 's': 'x,y', 'v': 'hello', 'n': NULL::INTEGER}"],
    ["json_build_object('f', 1.0::float8, 'g', 1e16::float8, 'r', 0.1::float4, 'nan', 'NaN'::float8)", "{'f': 1.0::DOUBLE, 'g': 1e16::DOUBLE, 'r': 0.1::FLOAT, 'nan': 'nan'::DOUBLE}"],
    ["json_build_object('b', true, 'd', date '2020-01-01', 'bc', date '0001-01-01' - 1)", "{'b': true, 'd': DATE '2020-01-01', 'bc': DATE '0001-01-01' - 1}"],
    ["json_build_object('t', timestamp '2020-01-01 10:00:00.5', 'tz', timestamptz '2020-01-01 10:00:00+00')", "{'t': TIMESTAMP '2020-01-01 10:00:00.5', 'tz': TIMESTAMPTZ '2020-01-01 10:00:00+00'}"],
    ["json_build_object('i', interval '1 mon 2 days', 'l', ARRAY[1, 2], 'e', ARRAY[]::int[])", "{'i': INTERVAL '1 month 2 days', 'l': [1, 2], 'e': []::INTEGER[]}"],
    ["json_build_object('o', json_build_object('x', 'a''b', 'y', ARRAY['q', 'r s']))", "{'o': {'x': 'a''b', 'y': ['q', 'r s']}}"],
    ["json_build_object('dec', 1.50::numeric(4,2), 'big', 170141183460469231731687303715884105727::numeric)", "{'dec': 1.50::DECIMAL(4,2), 'big': 170141183460469231731687303715884105727::HUGEINT}"],
  ];

  it('renders structs, reading each member by its DuckDB type', async () => {
    for (const [pgJson, duckValue] of structs) {
      const [json] = await refs.pg(`SELECT ${pgJson}::text`);
      const [duck] = await refs.duck(`SELECT ${duckValue}`);
      const type = parseDuckType(await refs.duckType(`SELECT ${duckValue}`));
      expect(jsonTextToDuck(json!, type), pgJson).toBe(duck);
    }
  });

  it('renders maps from JSON objects whose keys are the keys\' text forms, in order', async () => {
    const [json] = await refs.pg("SELECT json_object_agg(k, v ORDER BY o)::text FROM (VALUES (1, '2', 'x'), (2, '1', 'y,z')) t(o, k, v)");
    const duckValue = "MAP {2: 'x', 1: 'y,z'}";
    const [duck] = await refs.duck(`SELECT ${duckValue}`);
    const type = parseDuckType(await refs.duckType(`SELECT ${duckValue}`));
    expect(jsonTextToDuck(json!, type)).toBe(duck);
  });

  // Sirius writes a map key as json_object_agg does (the key's JSON, made a string unless it is
  // one); for keys PostgreSQL refuses (arrays, rows) the wire key is the JSON text of the key,
  // which PostgreSQL gives here as to_json(...)::text passed to json_object_agg as text.
  const keyedMaps: [pgKeys: string, duckValue: string][] = [
    ["SELECT json_object_agg(to_json(k)::text, v ORDER BY o)::text FROM (VALUES (1, ARRAY[1, 2, 3], 'test'), (2, ARRAY[6, 4, 5], 'world')) t(o, k, v)",
      "MAP {[1, 2, 3]: 'test', [6, 4, 5]: 'world'}"],
    ["SELECT json_object_agg(to_json(k)::text, 1)::text FROM (VALUES (ARRAY['a b', 'c,d', '', NULL])) t(k)",
      "MAP {['a b', 'c,d', '', NULL]: 1}"],
    ["SELECT json_object_agg(row_to_json(s)::text, v ORDER BY v)::text FROM (VALUES (10, 1), (NULL, 2)) t(i, v), LATERAL (SELECT t.i) s",
      "MAP {{'i': 10}: 1, {'i': NULL::INTEGER}: 2}"],
    ["SELECT json_object_agg(json_build_object('c=d', 'x y')::text, 1)::text",
      "MAP {MAP {'c=d': 'x y'}: 1}"],
    ["SELECT json_object_agg(k, v ORDER BY v)::text FROM (VALUES (to_json(1)::text, 1), (to_json(ARRAY[2])::text, 2)) t(k, v)",
      'MAP {1::UNION(k INTEGER, l INTEGER[]): 1, [2]::UNION(k INTEGER, l INTEGER[]): 2}'],
    ["SELECT json_object_agg(k, v ORDER BY v)::text FROM (VALUES ('c=d', 1), ('true', 2)) t(k, v)",
      "MAP {'c=d'::UNION(s VARCHAR, b INTEGER[]): 1, 'true'::UNION(s VARCHAR, b INTEGER[]): 2}"],
    ["SELECT json_object_agg(k, v ORDER BY v)::text FROM (VALUES (true, 1), (false, 2)) t(k, v)",
      'MAP {true: 1, false: 2}'],
  ];

  it('renders maps with LIST, STRUCT, MAP, UNION and BOOLEAN keys from the keys\' JSON', async () => {
    for (const [pgKeys, duckValue] of keyedMaps) {
      const [json] = await refs.pg(pgKeys);
      const [duck] = await refs.duck(`SELECT ${duckValue}`);
      const type = parseDuckType(await refs.duckType(`SELECT ${duckValue}`));
      expect(jsonTextToDuck(json!, type), duckValue).toBe(duck);
    }
  });

  it('refuses a UNION map key that more than one member could have written', () => {
    expect(() => jsonTextToDuck('{"1":1}', parseDuckType('MAP(UNION(k INTEGER, s VARCHAR), INTEGER)'))).toThrow(UnconvertibleValue);
    expect(() => jsonTextToDuck('{"t":1}', parseDuckType('MAP(BOOLEAN, INTEGER)'))).toThrow(UnconvertibleValue);
  });

  it('never quotes a UNION member, as DuckDB does not', async () => {
    const [json] = await refs.pg("SELECT json_build_array('c=d', '', 'null', 7)::text");
    const u = 'UNION(k INTEGER, s VARCHAR)';
    const duckValue = `['c=d'::${u}, ''::${u}, 'null'::${u}, 7::${u}]`;
    const [duck] = await refs.duck(`SELECT ${duckValue}`);
    expect(jsonTextToDuck(json!, parseDuckType(await refs.duckType(`SELECT ${duckValue}`)))).toBe(duck);
  });

  it('renders lists of structs', async () => {
    const [json] = await refs.pg("SELECT json_build_array(json_build_object('a', 1), NULL)::text");
    const duckValue = "[{'a': 1}, NULL]";
    const [duck] = await refs.duck(`SELECT ${duckValue}`);
    expect(jsonTextToDuck(json!, parseDuckType(await refs.duckType(`SELECT ${duckValue}`)))).toBe(duck);
  });

  it('renders unnamed structs (row(…)) as DuckDB does, from JSON with empty keys', async () => {
    const [json] = await refs.pg("SELECT json_build_object('', 1, '', 'a,b', '', json_build_object('', 2))::text");
    const duckValue = "row(1, 'a,b', row(2))";
    const [duck] = await refs.duck(`SELECT ${duckValue}`);
    expect(jsonTextToDuck(json!, parseDuckType(await refs.duckType(`SELECT ${duckValue}`)))).toBe(duck);
  });

  it('refuses JSON that does not fit the type', () => {
    expect(() => jsonTextToDuck('{"b":1}', parseDuckType('STRUCT(a INTEGER)'))).toThrow(UnconvertibleValue);
    expect(() => jsonTextToDuck('1', parseDuckType('UNION(a INTEGER, b BIGINT)'))).toThrow(UnconvertibleValue);
  });
});

describe('DuckDB type names', () => {
  it('parses what typeof() prints for nested types', async () => {
    const type = parseDuckType(await refs.duckType(`SELECT {'a b': [1]::INTEGER[2], 'm': MAP {'k': 1.5::DECIMAL(4,1)}, 'u': 1::UNION(i INTEGER, s VARCHAR), 't': now()}`));
    expect(type).toEqual({
      id: 'STRUCT',
      unnamed: false,
      fields: [
        ['a b', { id: 'ARRAY', size: 2, child: { id: 'SCALAR', name: 'INTEGER' } }],
        ['m', { id: 'MAP', key: { id: 'SCALAR', name: 'VARCHAR' }, value: { id: 'SCALAR', name: 'DECIMAL(4,1)' } }],
        ['u', { id: 'UNION', fields: [['i', { id: 'SCALAR', name: 'INTEGER' }], ['s', { id: 'SCALAR', name: 'VARCHAR' }]] }],
        ['t', { id: 'SCALAR', name: 'TIMESTAMP WITH TIME ZONE' }],
      ],
    });
  });
});
