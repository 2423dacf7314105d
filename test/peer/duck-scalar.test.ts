/**
 * The scalar conversions, checked value by value against the real engines: PostgreSQL 15
 * prints a value, DuckDB 1.5 renders the same value, the converter must turn the first into
 * the second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteaToDuck, dateTimeToDuck, floatToDuck, intervalToDuck, scalarToDuck, UnconvertibleValue } from './duck-scalar.js';
import { openReferences, type References } from './references.js';

let refs: References;
beforeAll(async () => {
  refs = await openReferences();
});
afterAll(async () => refs?.close());

/** Doubles at every decimal exponent, near the repr switch points, and awkward ones. */
function sampleDoubles(): string[] {
  const values = new Set<string>(['0.1', '0.2', '0.30000000000000004', '1', '123', '-0.5', '5e-324', '1.7976931348623157e+308',
    '2.2250738585072014e-308', '123456789012345680', '9007199254740993', '0.000123', '1e-4', '0.00009999', '9999999999999998',
    '1e16', '12345678901234567', '3.141592653589793', '-2.718281828459045', '100', '1e15', '1.5e15', '99999999999999990']);
  for (let e = -30; e <= 30; e++) {
    values.add(`1e${e}`);
    values.add(`-7.25e${e}`);
    values.add(`1.2345678901234567e${e}`);
  }
  let seed = 12345;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values.add(String((seed / 2147483648 - 0.5) * 10 ** ((seed % 41) - 20)));
  }
  const view = new DataView(new ArrayBuffer(8));
  let bits = 987654321n;
  for (let i = 0; i < 3000; i++) {
    bits = (bits * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    view.setBigUint64(0, bits);
    const v = view.getFloat64(0);
    if (Number.isFinite(v) && v !== 0) values.add(String(v));
  }
  // 17 significant digits name one double without a halfway case, so both engines parse the same value.
  return [...values].map((v) => Number(v).toPrecision(17));
}

describe('floats', () => {
  it('renders every sampled double as DuckDB does', async () => {
    const inputs = sampleDoubles();
    const pgTexts = await refs.pg('SELECT unnest($1::float8[])', [inputs]);
    const list = inputs.map((v) => `('${v}')`).join(',');
    const duckTexts = await refs.duck(`SELECT CAST(v AS DOUBLE) FROM (VALUES ${list}) t(v)`);
    const converted = pgTexts.map((t) => floatToDuck(t!, false));
    expect(converted).toEqual(duckTexts);
  });

  it('renders floats (float4) with their own shortest digits', async () => {
    const inputs = ['0.1', '16777217', '1e10', '3.4e38', '1.17549435e-38', '1e-5', '0.0001', '123456.7', '-2.5', '7e15', '7e16'];
    for (let e = -40; e <= 38; e++) inputs.push(`1e${e}`, `3.3e${e}`);
    const pgTexts = await refs.pg('SELECT unnest($1::float4[])', [inputs]);
    const duckTexts = await refs.duck(`SELECT CAST(v AS FLOAT) FROM (VALUES ${inputs.map((v) => `('${v}')`).join(',')}) t(v)`);
    expect(pgTexts.map((t) => floatToDuck(t!, true))).toEqual(duckTexts);
  });

  it('maps the special values and negative zero', async () => {
    const pgTexts = await refs.pg("SELECT unnest(ARRAY['NaN', 'Infinity', '-Infinity', '-0']::float8[])");
    const duckTexts = await refs.duck("SELECT CAST(v AS DOUBLE) FROM (VALUES ('nan'), ('inf'), ('-inf'), ('-0.0')) t(v)");
    expect(pgTexts.map((t) => floatToDuck(t!, false))).toEqual(duckTexts);
  });

  it('rejects text that is no PostgreSQL float', () => {
    expect(() => floatToDuck('1,5', false)).toThrow(UnconvertibleValue);
  });
});

describe('intervals', () => {
  const months = [0, 1, -1, 11, 12, 13, -13, 24, -24, 1201];
  const days = [0, 1, -1, 2, -45];
  const micros = [0, 1, -1, 1_000_000, 90_000_500_000, -3_723_000_001, 86_399_999_999, 360_000_000_000_000];

  it('renders months, days and time parts like DuckDB', async () => {
    const triples = months.flatMap((m) => days.flatMap((d) => micros.map((u) => [m, d, u])));
    const pgSql = triples.map(([m, d, u]) => `(interval '1 month' * ${m} + interval '1 day' * ${d} + interval '1 microsecond' * ${u})`);
    const pgTexts = await refs.pg(`SELECT unnest(ARRAY[${pgSql.join(',')}])`);
    const duckSql = triples.map(([m, d, u]) => `(to_months(${m}) + to_days(${d}) + to_microseconds(${u}))`);
    const duckTexts = await refs.duck(`SELECT unnest([${duckSql.join(',')}])`);
    expect(pgTexts.map((t) => intervalToDuck(t!))).toEqual(duckTexts);
  });
});

describe('dates and timestamps', () => {
  const offsets = [0, 1, 365, 366, 100_000, 700_000, 740_000, 1_700_000];

  it('moves BC to where DuckDB prints it', async () => {
    const pgTexts = await refs.pg(`SELECT unnest(ARRAY[${offsets.map((o) => `date '0001-01-01' + ${o}`).join(',')}])`);
    const bc = await refs.pg(`SELECT unnest(ARRAY[${offsets.map((o) => `date '0001-01-01' - ${o}`).join(',')}])`);
    const duck = await refs.duck(`SELECT unnest([${offsets.map((o) => `DATE '0001-01-01' + ${o}`).join(',')}])`);
    const duckBc = await refs.duck(`SELECT unnest([${offsets.map((o) => `DATE '0001-01-01' - ${o}`).join(',')}])`);
    expect([...pgTexts, ...bc].map((t) => dateTimeToDuck(t!))).toEqual([...duck, ...duckBc]);
  });

  it('renders timestamps and timestamptz (UTC session) with fractions and eras', async () => {
    const times = ['00:00:00', '12:34:56.5', '23:59:59.999999', '01:02:03.000001'];
    const dates = ['2020-02-29', '1970-01-01', '0001-01-01', '9999-12-31'];
    const pairs = dates.flatMap((d) => times.map((t) => [d, t]));
    for (const [pgType, duckType] of [['timestamp', 'TIMESTAMP'], ['timestamptz', 'TIMESTAMPTZ']]) {
      const pgTexts = await refs.pg(`SELECT unnest(ARRAY[${pairs.map(([d, t]) => `'${d} ${t}'::${pgType} - interval '400 days'`).join(',')}])`);
      const duck = await refs.duck(`SELECT unnest([${pairs.map(([d, t]) => `'${d} ${t}'::${duckType} - INTERVAL '400 days'`).join(',')}])`);
      expect(pgTexts.map((t) => dateTimeToDuck(t!))).toEqual(duck);
    }
  });

  it('prints local-mean-time offsets to the minute, as DuckDB (ICU) does', async () => {
    const zoned = await openReferences('America/Los_Angeles');
    try {
      const stamps = ['1800-01-01 00:00:00', '0044-03-15 12:00:00', '2021-07-01 12:30:00.25'];
      const pgTexts = await zoned.pg(`SELECT unnest(ARRAY[${stamps.map((t) => `'${t}'::timestamptz`).join(',')}, '0044-03-15 12:00:00 BC'::timestamptz])`);
      const duck = await zoned.duck(`SELECT unnest([${stamps.map((t) => `'${t}'::TIMESTAMPTZ`).join(',')}, '0044-03-15 (BC) 12:00:00'::TIMESTAMPTZ])`);
      expect(pgTexts.map((t) => scalarToDuck(t!, 1184, false))).toEqual(duck);
    } finally {
      await zoned.close();
    }
  });

  it('passes infinities through', async () => {
    const pgTexts = await refs.pg("SELECT unnest(ARRAY['infinity', '-infinity']::timestamp[])");
    const duck = await refs.duck("SELECT unnest(['infinity'::TIMESTAMP, '-infinity'::TIMESTAMP])");
    expect(pgTexts.map((t) => dateTimeToDuck(t!))).toEqual(duck);
  });
});

describe('bytea, booleans and pass-through types', () => {
  it('renders every byte value like a DuckDB BLOB', async () => {
    const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join('');
    const [pgText] = await refs.pg(`SELECT decode('${hex}', 'hex')`);
    const [duck] = await refs.duck(`SELECT from_hex('${hex}')`);
    expect(byteaToDuck(pgText!)).toBe(duck);
  });

  it('prints top-level booleans as 1/0 and nested ones as true/false', () => {
    expect([scalarToDuck('t', 16, false), scalarToDuck('f', 16, false)]).toEqual(['1', '0']);
    expect([scalarToDuck('t', 16, true), scalarToDuck('f', 16, true)]).toEqual(['true', 'false']);
    expect(() => scalarToDuck('true', 16, false)).toThrow(UnconvertibleValue);
  });

  it('leaves forms that already agree unchanged (numeric, uuid, time, timetz, varbit)', async () => {
    const cases: [string, string, number][] = [
      ['12345678901234567890.123::numeric(38,3)', '12345678901234567890.123::DECIMAL(38,3)', 1700],
      ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", 2950],
      ["'01:02:03.25'::time", "'01:02:03.25'::TIME", 1083],
      ["'12:00:00.25+05:30'::timetz", "'12:00:00.25+05:30'::TIMETZ", 1266],
      ["'0110'::varbit", "'0110'::BIT", 1562],
    ];
    for (const [pgExpr, duckExpr, oid] of cases) {
      const [pgText] = await refs.pg(`SELECT ${pgExpr}`);
      const [duck] = await refs.duck(`SELECT ${duckExpr}`);
      expect(scalarToDuck(pgText!, oid, false), pgExpr).toBe(duck);
    }
  });
});
