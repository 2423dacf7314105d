import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSqlParser } from '../../../src/sql/duck-parser.js';
import {
  applyOverrides,
  deriveRanges,
  evaluateOverrides,
  hullRanges,
  intersectRanges,
  isEmptyRange,
  rangesByTable,
  type ParamValue,
  type TimeRange,
} from '../../../src/sql/time-range.js';
import { findViews, type ViewRef } from '../../../src/sql/views-in-query.js';
import { SqlState } from '../../../src/wire/sqlstate.js';

const VIEWS = new Map(Object.entries({
  processes: { timeColumn: 'insert_time' }, streams: { timeColumn: 'insert_time' }, blocks: { timeColumn: 'insert_time' },
  log_entries: { timeColumn: 'time' }, measures: { timeColumn: 'time' }, log_stats: { timeColumn: 'time_bin' },
  thread_spans: { timeColumn: 'begin' }, async_events: { timeColumn: 'time' },
}));

/** µs of an ISO instant (with zone); the expected values below are derived from the spec by hand, zone by zone. */
const us = (iso: string): number => Date.parse(iso) * 1000;
const T0 = us('2026-01-01T00:00:00Z'); // 1767225600 s, what Grafana's $__unixEpochFrom() gives
const T1 = us('2026-01-01T01:00:00Z'); // 1767229200 s
const D2 = us('2026-01-02T00:00:00Z');
const D3 = us('2026-01-03T00:00:00Z');
const D4 = us('2026-01-04T00:00:00Z');
const HOUR = 3_600_000_000;

let parser: DuckSqlParser;
beforeAll(async () => {
  parser = await DuckSqlParser.create();
});
afterAll(() => parser.close());

interface Opts { timeZone?: string; params?: ParamValue[]; now?: number }

async function ranges(sql: string, opts: Opts = {}): Promise<{ refs: ViewRef[]; ranges: Map<ViewRef, TimeRange> }> {
  const found = await findViews(parser, sql, VIEWS);
  const r = await deriveRanges(parser, found, { timeZone: opts.timeZone ?? 'UTC', params: opts.params, now: opts.now });
  return { refs: found.refs, ranges: r };
}

/** The range of the only ref of a statement. */
async function rangeOf(sql: string, opts: Opts = {}): Promise<TimeRange> {
  const { refs, ranges: r } = await ranges(sql, opts);
  expect(refs).toHaveLength(1);
  return r.get(refs[0]) as TimeRange;
}

/**
 * Predicates on log_entries.time: [where, expected range, zone, params]. Each is also run by DuckDB
 * over rows at every expected bound ±1 µs and on a 15-minute grid: every row it selects must lie in
 * the derived range (never narrower than the truth), and the first and last rows it selects must be
 * the bounds themselves (no wider than needed).
 */
const SINGLE: [string, TimeRange, string?, ParamValue[]?][] = [
  ["time BETWEEN '2026-01-01T00:00:00Z' AND '2026-01-01T01:00:00Z'", { begin: T0, end: T1 + 1 }], // $__timeFilter
  ["time >= '2026-01-01' AND time < '2026-01-02'", { begin: T0, end: D2 }],
  ["time > '2026-01-01 00:00:00+02'", { begin: us('2025-12-31T22:00:00Z') + 1 }],
  ["time <= TIMESTAMP '2026-01-01 12:00'", { end: us('2026-01-01T17:00:00Z') + 1 }, 'America/New_York'],
  ["time >= '2026-01-01'::timestamptz", { begin: us('2025-12-31T18:30:00Z') }, 'Asia/Kolkata'],
  ["time >= DATE '2026-01-01'", { begin: us('2025-12-31T23:00:00Z') }, 'Europe/Paris'],
  ["time BETWEEN '2026-01-01' AND '2026-01-01 01:00'", { begin: us('2025-12-31T22:00:00Z'), end: us('2025-12-31T23:00:00Z') + 1 }, 'Etc/GMT-2'],
  ["time = '2026-01-01T00:00:00.123456Z'", { begin: T0 + 123456, end: T0 + 123457 }],
  // DuckDB keeps microseconds: the nanosecond digit is dropped before comparing.
  ["time <= '2026-01-01 00:00:00.0000009'", { end: T0 + 1 }],
  // The fall-back hour: DuckDB reads 01:30 as the second one (EST, 06:30Z); rows at 05:45Z and 06:15Z are not selected.
  ["time > TIMESTAMP '2026-11-01 01:30:00'", { begin: us('2026-11-01T06:30:00Z') + 1 }, 'America/New_York'],
  ["time >= to_timestamp(1767225600) AND time <= to_timestamp(1767229200)", { begin: T0, end: T1 + 1 }],
  // Grafana's $__unixEpochFilter over a timestamp column, through epoch()/extract()/epoch_ms().
  ['epoch(time) >= 1767225600 AND epoch(time) <= 1767229200', { begin: T0, end: T1 + 1 }],
  ['extract(epoch FROM time) > 1767225600', { begin: T0 + 1 }],
  ['epoch_ms(time) >= 1767225600000 AND epoch_ms(time) < 1767229200000', { begin: T0, end: T1 }],
  ['epoch_ms(time) <= 1767225600000', { end: T0 + 1000 }],
  ['epoch_us(time) > 1767225600000000', { begin: T0 + 1 }],
  ["'2026-01-01' <= time AND '2026-01-02' > time", { begin: T0, end: D2 }],
  ["time IN ('2026-01-01', '2026-01-03')", { begin: T0, end: D3 + 1 }],
  ["(time >= '2026-01-01' AND time < '2026-01-02') OR (time >= '2026-01-03' AND time < '2026-01-04')", { begin: T0, end: D4 }],
  ["time >= '2026-01-01' OR level = 1", {}],
  ["NOT (time BETWEEN '2026-01-01' AND '2026-01-02')", {}],
  // DuckDB's parser turns NOT (a > b) into a <= b, which is exact (both are NULL on NULL).
  ["NOT (time > '2026-01-01')", { end: T0 + 1 }],
  ["time > '2026-01-02' AND time < '2026-01-01'", { begin: D2 + 1, end: T0 }],
  ["time > '2026-01-01' AND level <= 2 AND msg LIKE '%disk%' AND time IS NOT NULL", { begin: T0 + 1 }],
  ["time::date = '2026-01-01'", {}],
  ["date_trunc('hour', time) >= '2026-01-01'", {}],
  ["time > to_timestamp(random() * 1e9)", {}],
  ["time >= 'infinity'", {}],
  ['time > $1', { begin: T0 + 1 }, 'UTC', ['2026-01-01T00:00:00Z']],
  ['time BETWEEN $1::timestamptz AND $2', { begin: T0, end: T1 + 1 }, 'UTC', ['2026-01-01 00:00:00', '2026-01-01 01:00:00']],
  ['time >= $1', {}, 'UTC', []],
  ['epoch(time) >= $1 AND epoch(time) <= $2', { begin: T0, end: T1 + 1 }, 'UTC', ['1767225600', '1767229200']],
];

describe('deriveRanges: predicates on one view, checked against DuckDB', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await DuckDBConnection.create(db);
    const points = new Set<number>();
    for (let t = us('2025-12-30T00:00:00Z'); t <= us('2026-01-05T00:00:00Z'); t += HOUR / 4) points.add(t);
    for (const t of [us('2026-11-01T05:45:00Z'), us('2026-11-01T06:15:00Z'), us('2026-11-01T07:00:00Z'), T0 + 123456]) points.add(t);
    for (const [, r] of SINGLE) for (const b of [r.begin, r.end]) if (b !== undefined) [b - 1, b, b + 1].forEach((p) => points.add(p));
    await conn.run('CREATE TABLE log_entries (time TIMESTAMPTZ, level INTEGER, msg VARCHAR)');
    const values = [...points].map((p, i) => `(make_timestamptz(${p}::BIGINT), ${(i % 6) + 1}, 'disk ${i}')`);
    await conn.run(`INSERT INTO log_entries VALUES ${values.join(', ')}`);
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
  });

  it.each(SINGLE)('%s', async (where, expected, zone = 'UTC', params = []) => {
    const range = await rangeOf(`SELECT * FROM log_entries WHERE ${where}`, { timeZone: zone, params });
    expect(range).toEqual(expected);
    await conn.run(`SET TimeZone = '${zone}'`);
    let selected: number[];
    try {
      const reader = await conn.runAndReadAll(`SELECT epoch_us(time) FROM log_entries WHERE ${where}`, params as string[]);
      selected = reader.getRows().map((r) => Number(r[0]));
    } catch {
      selected = []; // DuckDB rejects the statement ('infinity' compares fine; random() and friends do not fail)
    }
    for (const t of selected) {
      if (range.begin !== undefined) expect(t).toBeGreaterThanOrEqual(range.begin);
      if (range.end !== undefined) expect(t).toBeLessThan(range.end);
    }
    // Rows sit at every bound ±1 µs: unless other columns filter too, DuckDB's extremes are the bounds (exact, not just safe).
    if (selected.length > 0 && !/level|msg/.test(where)) {
      if (range.begin !== undefined) expect(Math.min(...selected)).toBe(range.begin);
      if (range.end !== undefined) expect(Math.max(...selected)).toBe(range.end - 1);
    }
  });

  it('gives no bound for values DuckDB cannot compare with a timestamp', async () => {
    expect(await rangeOf("SELECT * FROM log_entries WHERE time > 'garbage'")).toEqual({});
    expect(await rangeOf('SELECT * FROM log_entries WHERE time > 1767225600')).toEqual({});
    expect(await rangeOf('SELECT * FROM log_entries WHERE time > $1', { params: [null] })).toEqual({});
  });

  it('reads the same literal again in another zone (evaluations are cached per zone)', async () => {
    const sql = "SELECT * FROM log_entries WHERE time >= '2026-01-01 00:00'";
    expect(await rangeOf(sql, { timeZone: 'UTC' })).toEqual({ begin: T0 });
    expect(await rangeOf(sql, { timeZone: 'Asia/Tokyo' })).toEqual({ begin: T0 - 9 * HOUR });
    expect(await rangeOf(sql, { timeZone: 'UTC' })).toEqual({ begin: T0 });
  });

  it('reads Date parameters as instants, to the millisecond', async () => {
    const params = [new Date('2026-01-01T00:00:00.250Z'), new Date('2026-01-01T01:00:00Z')];
    const range = await rangeOf('SELECT * FROM log_entries WHERE time >= $1 AND time < $2', { params, timeZone: 'Asia/Tokyo' });
    expect(range).toEqual({ begin: T0 + 250_000, end: T1 });
  });
});

/** Ranges by ref, keyed by alias (or what was written when there is none), in statement order. */
async function rangesByRef(sql: string, opts: Opts = {}): Promise<Record<string, TimeRange>> {
  const { refs, ranges: r } = await ranges(sql, opts);
  const out: Record<string, TimeRange> = {};
  refs.forEach((ref, i) => (out[ref.alias ?? `${ref.written}#${i}`] = r.get(ref) as TimeRange));
  return out;
}

describe('deriveRanges: which view a predicate bounds', () => {
  it('bounds each side of a join by its own alias-qualified predicates', async () => {
    const sql = `SELECT l.msg, m.value FROM log_entries l JOIN measures m ON l.process_id = m.process_id AND m.time >= '2026-01-02'
      WHERE l.time >= '2026-01-01' AND l.time < '2026-01-02'`;
    expect(await rangesByRef(sql)).toEqual({ l: { begin: T0, end: D2 }, m: { begin: D2 } });
  });

  it('the brief example: a join USING, with the range on l only', async () => {
    const sql = "SELECT l.msg, p.exe FROM log_entries l JOIN processes p USING (process_id) WHERE l.time >= '2026-01-01' AND l.time < '2026-01-02'";
    expect(await rangesByRef(sql)).toEqual({ l: { begin: T0, end: D2 }, p: {} });
  });

  it('an outer join ON bounds only the null-extended side; WHERE bounds both', async () => {
    const on = `SELECT * FROM log_entries l LEFT JOIN measures m ON m.process_id = l.process_id
      AND l.time > '2026-01-01' AND m.time > '2026-01-02'`;
    expect(await rangesByRef(on)).toEqual({ l: {}, m: { begin: D2 + 1 } });
    const full = "SELECT * FROM log_entries l FULL JOIN measures m ON m.time > '2026-01-02' WHERE l.time < '2026-01-02'";
    expect(await rangesByRef(full)).toEqual({ l: { end: D2 }, m: {} });
    const right = "SELECT * FROM log_entries l RIGHT JOIN measures m ON l.time > '2026-01-01' AND m.time > '2026-01-01'";
    expect(await rangesByRef(right)).toEqual({ l: { begin: T0 + 1 }, m: {} });
  });

  it('an unqualified time column shared by two views in one FROM is ambiguous: no bound', async () => {
    expect(await rangesByRef("SELECT * FROM log_entries a, log_entries b WHERE time > '2026-01-01'")).toEqual({ a: {}, b: {} });
    // processes' time column is insert_time; log_entries' is time: the name decides.
    expect(await rangesByRef("SELECT * FROM log_entries l, processes p WHERE insert_time > '2026-01-01' AND time < '2026-01-02'"))
      .toEqual({ l: { end: D2 }, p: { begin: T0 + 1 } });
  });

  it('bounds each branch of a UNION separately; rangesByTable keeps disjoint ranges apart', async () => {
    const sql = "SELECT time FROM log_entries WHERE time > '2026-01-03' UNION ALL SELECT time FROM log_entries WHERE time < '2026-01-01'";
    const { refs, ranges: r } = await ranges(sql);
    expect(refs.map((ref) => r.get(ref))).toEqual([{ begin: D3 + 1 }, { end: T0 }]);
    expect(rangesByTable(r)).toEqual(new Map([['log_entries', [{ end: T0 }, { begin: D3 + 1 }]]]));
  });

  it('bounds a view inside a CTE or subquery by the predicates there, not by outer ones', async () => {
    const cte = 'WITH errs AS (SELECT * FROM log_entries WHERE level <= 2 AND time > $1) SELECT process_id, count(*) FROM errs GROUP BY 1';
    expect(await rangeOf(cte, { params: ['2026-01-01T00:00:00Z'] })).toEqual({ begin: T0 + 1 });
    // No push-down through a derived table: widening is always safe.
    expect(await rangeOf("SELECT * FROM (SELECT * FROM log_entries) s WHERE s.time > '2026-01-01'")).toEqual({});
    const nested = `SELECT (SELECT count(*) FROM measures m WHERE m.time >= '2026-01-02'), l.* FROM log_entries l
      WHERE l.time < '2026-01-01' AND EXISTS (SELECT 1 FROM processes p WHERE p.process_id = l.process_id AND p.insert_time < '2026-01-03')`;
    expect(await rangesByRef(nested)).toEqual({ m: { begin: D2 }, l: { end: T0 }, p: { end: D3 } });
  });

  it('does not bound a view by a predicate on another table or column', async () => {
    expect(await rangeOf("SELECT * FROM log_entries l, other o WHERE o.time > '2026-01-01' AND l.insert_time > '2026-01-01'")).toEqual({});
    expect(await rangeOf('SELECT * FROM log_entries l, other o WHERE l.time > o.time')).toEqual({});
    expect(await rangeOf("SELECT * FROM log_entries WHERE time > (SELECT max(time) FROM other)")).toEqual({});
    expect(await rangeOf("SELECT time, count(*) FROM log_entries GROUP BY time HAVING time > '2026-01-01'")).toEqual({});
  });

  it('understands FROM-first, QUALIFY, GROUP BY ALL and table-qualified columns', async () => {
    expect(await rangeOf("FROM log_entries l SELECT l.msg WHERE l.time >= '2026-01-01'")).toEqual({ begin: T0 });
    const q = "SELECT * FROM log_entries WHERE log_entries.time < '2026-01-02' QUALIFY row_number() OVER (PARTITION BY process_id ORDER BY time) = 1";
    expect(await rangeOf(q)).toEqual({ end: D2 });
    expect(await rangeOf("SELECT process_id, count(*) FROM main.log_entries WHERE main.log_entries.time >= '2026-01-01' GROUP BY ALL"))
      .toEqual({ begin: T0 });
  });

  it("uses each view's own time column, for view_instance too", async () => {
    expect(await rangeOf(`SELECT * FROM view_instance('thread_spans', 's1') WHERE "begin" >= '2026-01-01'`)).toEqual({ begin: T0 });
    expect(await rangeOf("SELECT * FROM view_instance('log_entries', 'p1') v WHERE v.time < '2026-01-02'")).toEqual({ end: D2 });
    expect(await rangeOf("SELECT * FROM log_stats WHERE time_bin >= '2026-01-01' AND time >= '2026-01-02'")).toEqual({ begin: T0 });
    expect(await rangeOf("SELECT * FROM processes WHERE insert_time BETWEEN '2026-01-01' AND '2026-01-02'")).toEqual({ begin: T0, end: D2 + 1 });
  });

  it('gives every ref all time when the statement could not be parsed', async () => {
    const found = await findViews(parser, 'SELECT * FROM log_entries WHERE', VIEWS);
    expect(await deriveRanges(parser, found, { timeZone: 'UTC' })).toEqual(new Map());
  });
});

describe('deriveRanges: the clock', () => {
  const NOW = us('2026-01-01T12:00:00Z') + 123;

  it('evaluates now(), current_timestamp and intervals at the given now', async () => {
    const sql = "SELECT * FROM log_entries WHERE time >= now() - interval '1 hour' AND time <= current_timestamp";
    expect(await rangeOf(sql, { now: NOW })).toEqual({ begin: NOW - HOUR, end: NOW + 1 });
    expect(await rangeOf('SELECT * FROM log_entries WHERE time > current_timestamp - INTERVAL 2 DAY', { now: NOW }))
      .toEqual({ begin: NOW - 48 * HOUR + 1 });
    expect(await rangeOf("SELECT * FROM log_entries WHERE time >= date_trunc('hour', now())", { now: NOW }))
      .toEqual({ begin: us('2026-01-01T12:00:00Z') });
  });

  it('reads current_date in the session zone', async () => {
    // 02:00Z is still 2025-12-31 in New York, whose midnight is 05:00Z.
    const now = us('2026-01-01T02:00:00Z');
    expect(await rangeOf('SELECT * FROM log_entries WHERE time >= current_date', { now, timeZone: 'America/New_York' }))
      .toEqual({ begin: us('2025-12-31T05:00:00Z') });
  });

  it('without a known now, keeps only bounds that the later real clock can only tighten', async () => {
    const before = Date.now() * 1000;
    const r = await rangeOf("SELECT * FROM log_entries WHERE time BETWEEN now() - interval '1 hour' AND now()");
    const after = Date.now() * 1000;
    expect(r.end).toBeUndefined();
    expect(r.begin).toBeGreaterThanOrEqual(before - HOUR);
    expect(r.begin).toBeLessThanOrEqual(after - HOUR);
    // Falls as the clock rises: usable as an upper bound only.
    const falling = "SELECT * FROM log_entries WHERE time < TIMESTAMPTZ '2030-01-01' - (now() - TIMESTAMPTZ '2026-01-01')";
    expect((await rangeOf(falling)).end).toBeDefined();
    expect(await rangeOf(falling.replace('time <', 'time >'))).toEqual({});
    // Unknown direction (the clock on both sides of a minus): no bound at all.
    expect(await rangeOf('SELECT * FROM log_entries WHERE time > now() - (now() - TIMESTAMPTZ \'2026-01-01\')')).toEqual({});
  });
});

describe('range algebra and session overrides', () => {
  it('intersects, hulls and detects empty ranges', () => {
    expect(intersectRanges({ begin: 1, end: 10 }, { begin: 5 })).toEqual({ begin: 5, end: 10 });
    expect(intersectRanges({}, {})).toEqual({});
    expect(isEmptyRange(intersectRanges({ begin: 10 }, { end: 10 }))).toBe(true);
    expect(hullRanges({ begin: 1, end: 2 }, { begin: 5, end: 9 })).toEqual({ begin: 1, end: 9 });
    expect(hullRanges({ begin: 1, end: 2 }, { end: 9 })).toEqual({ end: 9 });
    expect(hullRanges({ begin: 5, end: 1 }, { begin: 7, end: 9 })).toEqual({ begin: 7, end: 9 });
  });

  it('merges overlapping ranges of one table and keeps an empty-only table with no range', () => {
    const a = { tableName: 'log_entries' } as ViewRef;
    const b = { tableName: 'log_entries' } as ViewRef;
    const c = { tableName: 'measures' } as ViewRef;
    const m = new Map<ViewRef, TimeRange>([[a, { begin: 0, end: 10 }], [b, { begin: 5, end: 20 }], [c, { begin: 3, end: 3 }]]);
    expect(rangesByTable(m)).toEqual(new Map([['log_entries', [{ begin: 0, end: 20 }]], ['measures', []]]));
  });

  it('reads sirius.query_range_begin/end in the session zone, end inclusive, and intersects', async () => {
    const o = await evaluateOverrides(parser, { begin: '2026-01-01', end: '2026-01-02 00:00:00' }, 'Europe/Paris');
    expect(o).toEqual({ begin: us('2025-12-31T23:00:00Z'), end: us('2026-01-01T23:00:00Z') + 1 });
    expect(applyOverrides({ begin: T0 + 1 }, o)).toEqual({ begin: T0 + 1, end: us('2026-01-01T23:00:00Z') + 1 });
    expect(await evaluateOverrides(parser, { begin: '', end: undefined }, 'UTC')).toEqual({});
    expect(await evaluateOverrides(parser, { end: '2026-01-01T00:00:00Z' }, 'UTC')).toEqual({ end: T0 + 1 });
  });

  it('rejects an override DuckDB cannot read as a timestamp', async () => {
    await expect(evaluateOverrides(parser, { begin: 'yesterday-ish' }, 'UTC')).rejects.toMatchObject({
      code: SqlState.InvalidDatetimeFormat,
      message: 'invalid value for parameter "sirius.query_range_begin": "yesterday-ish"',
    });
    // The evaluator still works after the failed value.
    expect(await evaluateOverrides(parser, { begin: '2026-01-01 00:00:00Z' }, 'UTC')).toEqual({ begin: T0 });
  });

  it('rejects a time zone DuckDB does not know', async () => {
    const found = await findViews(parser, "SELECT * FROM log_entries WHERE time > '2026-01-01'", VIEWS);
    await expect(deriveRanges(parser, found, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: SqlState.InvalidParameterValue });
    expect(await deriveRanges(parser, found, { timeZone: 'UTC' })).toEqual(new Map([[found.refs[0], { begin: T0 + 1 }]]));
  });
});
