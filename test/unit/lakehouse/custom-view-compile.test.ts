import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCustomView } from '../../../src/lakehouse/custom-view-compile.js';
import { emptyRelationSql, findViewSet, VIEW_MACROS_SQL } from '../../../src/views/index.js';

/**
 * The compiler's contract, on DuckDB itself: the final statement over the partial rows of any split of
 * the source gives the definition's ad-hoc answer; the view's time column maps query ranges onto source
 * ranges that keep every row the query can see.
 */
let instance: DuckDBInstance;
let conn: DuckDBConnection;
const MINUTE = 60e6;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  for (const sql of VIEW_MACROS_SQL) await conn.run(sql);
  // 5,000 log rows over ~83 minutes, with the log_entries columns
  await conn.run(`CREATE TABLE src AS ${emptyRelationSql(findViewSet('log_entries')!)}`);
  await conn.run(`INSERT INTO src
    SELECT 'p' || (i % 3), 's', 'b' || (i // 100), make_timestamptz(0), 'exe', 'u', 'c',
           make_timestamptz(1767225600000000 + i * 1000000), 't' || (i % 4), (i % 6) + 1, 'm' || i, '{"k":"' || (i % 5) || '"}', '{}'
    FROM range(5000) r(i)`);
});
afterAll(() => instance.closeSync());

const rows = async (sql: string): Promise<unknown[][]> => (await conn.runAndReadAll(sql)).getRows();

/** The partial statement over each part of a split of src (by row number), then the final statement over all partial rows. */
async function viaPartials(definition: string, parts: number): Promise<unknown[][]> {
  const v = await compileCustomView(conn, 'v', definition);
  await conn.run('DROP TABLE IF EXISTS partials');
  for (let k = 0; k < parts; k++) {
    const slice = `WITH log_entries AS (SELECT * EXCLUDE (n) FROM (SELECT *, row_number() OVER () AS n FROM src) WHERE n % ${parts} = ${k}) ${v.partialSql}`;
    await conn.run(k === 0 ? `CREATE TABLE partials AS ${slice}` : `INSERT INTO partials ${slice}`);
  }
  return rows(`${v.finalSql('partials')} ORDER BY ALL`);
}

describe('compileCustomView', () => {
  it.each([
    "SELECT date_trunc('minute', time) AS t, process_id, count(*) FROM log_entries WHERE level <= 2 GROUP BY ALL",
    'SELECT target, level, count(*) AS n, sum(level) AS s, min(time) AS first, max(msg) AS last, count(*) FILTER (WHERE level = 1) AS fatal FROM log_entries GROUP BY ALL',
    "SELECT property_get(properties, 'k') AS k, avg(level) AS mean FROM log_entries GROUP BY 1",
    'SELECT count(*) AS n, min(time) AS first FROM log_entries WHERE level > 99',
    "SELECT time, msg FROM log_entries WHERE target = 't1'",
  ])('combines partial rows into the ad-hoc answer: %s', async (definition) => {
    const adHoc = await rows(`WITH log_entries AS (SELECT * FROM src) SELECT * FROM (${definition}) ORDER BY ALL`);
    expect(adHoc.length).toBeGreaterThan(0);
    for (const parts of [1, 7]) {
      const got = await viaPartials(definition, parts);
      // avg as sum/count: another order of addition
      expect(got.map((r) => r.map((x) => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : x)))).toEqual(
        adHoc.map((r) => r.map((x) => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : x))),
      );
    }
  });

  it('names columns as PostgreSQL does and maps a truncated time column onto a wider source range', async () => {
    const v = await compileCustomView(conn, 'v', "SELECT date_trunc('minute', time) AS t, count(*) FROM log_entries GROUP BY ALL");
    expect(v.columns).toEqual([{ name: 't', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'count', type: 'BIGINT' }]);
    expect(v.timeColumn).toBe('t');
    expect(v.sourceRange({ begin: 10 * MINUTE, end: 20 * MINUTE })).toEqual({ begin: 10 * MINUTE, end: 21 * MINUTE });
    const plain = await compileCustomView(conn, 'v', 'SELECT time AS at, msg FROM log_entries');
    expect(plain.timeColumn).toBe('at');
    expect(plain.sourceRange({ begin: 1, end: 2 })).toEqual({ begin: 1, end: 2 });
    const none = await compileCustomView(conn, 'v', 'SELECT level, count(*) FROM log_entries GROUP BY ALL');
    expect(none.timeColumn).toBeNull();
    expect(none.sourceRange({ begin: 1, end: 2 })).toEqual({});
  });

  it('changes its schema version with the definition', async () => {
    const a = await compileCustomView(conn, 'v', 'SELECT level, count(*) FROM log_entries GROUP BY ALL');
    const b = await compileCustomView(conn, 'v', 'SELECT level, count(*) FROM log_entries WHERE level < 3 GROUP BY ALL');
    expect(a.schemaVersion).not.toBe(b.schemaVersion);
    expect(a.schemaVersion).toBeGreaterThan(0);
    expect(a.schemaVersion).toBeLessThan(2 ** 31);
  });
});
