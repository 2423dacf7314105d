import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantCounters } from '../../src/server/constant-results.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * Constant statements (no relation, no parameter, only pure functions) are
 * answered from the rows their first execution kept (server/constant-results.ts).
 * These tests check that a kept answer is always the answer DuckDB would give
 * now, and that everything else still runs in DuckDB each time.
 */
let server: TestServer;
let c: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  c = await server.client();
});

afterAll(async () => {
  await c?.end();
  await server?.close();
});

/** Runs `sql` `times` times and returns the rows of each run and how many runs were replayed. */
async function repeat(client: pg.Client, sql: string | pg.QueryConfig, times = 3): Promise<{ rows: unknown[][]; replayed: number }> {
  const before = constantCounters.replayed;
  const rows: unknown[][] = [];
  for (let i = 0; i < times; i++) rows.push((await client.query(sql)).rows);
  return { rows, replayed: constantCounters.replayed - before };
}

describe('constant statements', () => {
  it.each([
    ['SELECT 1 AS one', [{ one: 1 }]],
    ["SELECT 'a' || 'b' AS s, 2 > 1 AS gt, NULL::int AS n", [{ s: 'ab', gt: true, n: null }]],
    ["SELECT abs(-3) AS a, upper('x') AS u, CASE WHEN 1 IN (1, 2) THEN 'yes' END AS c, [1, 2] AS l", [{ a: 3, u: 'X', c: 'yes', l: [1, 2] }]],
    ['SELECT 7 // 2 AS q, 1.50::numeric(4,2) AS d, 2::int8 BETWEEN 1 AND 3 AS b', [{ q: 3, d: '1.50', b: true }]],
  ])('%s: replayed after the first run, with the same rows', async (sql, expected) => {
    const { rows, replayed } = await repeat(c, sql);
    for (const r of rows) expect(r).toEqual(expected);
    expect(replayed).toBe(2);
  });

  it('replays over the extended protocol, unnamed and named, with text and binary results', async () => {
    const unnamed = await repeat(c, { text: 'SELECT 40 + 2 AS v' });
    expect(unnamed.rows).toEqual([[{ v: 42 }], [{ v: 42 }], [{ v: 42 }]]);
    expect(unnamed.replayed).toBe(2);
    const named = await repeat(c, { name: 'const_v', text: 'SELECT 40 + 2 AS v' });
    expect(named.rows).toEqual([[{ v: 42 }], [{ v: 42 }], [{ v: 42 }]]);
    expect(named.replayed).toBeGreaterThanOrEqual(2);
    const binary = await repeat(c, { text: 'SELECT 40::int4 + 2 AS v', binary: true } as pg.QueryConfig);
    expect(binary.rows).toEqual([[{ v: 42 }], [{ v: 42 }], [{ v: 42 }]]);
  });

  it('runs in DuckDB each time what is not constant', async () => {
    for (const sql of [
      'SELECT random() AS r',
      'SELECT now() AS t',
      'SELECT current_timestamp AS t',
      "SELECT current_setting('application_name') AS a",
      'SELECT version() AS v',
      'SELECT x FROM (VALUES (1)) t(x)',
      'SELECT (SELECT 1) AS s',
      'WITH a AS (SELECT 1 AS x) SELECT 1 AS y',
      'SELECT 1 AS x UNION ALL SELECT 2',
    ]) {
      const { replayed } = await repeat(c, sql, 2);
      expect(replayed, sql).toBe(0);
    }
    const randoms = (await repeat(c, 'SELECT random() AS r', 3)).rows.map((r) => (r[0] as { r: number }).r);
    expect(new Set(randoms).size).toBe(3);
  });

  it('answers settings as they are now, not as they were', async () => {
    await c.query("SET application_name = 'first'");
    expect((await c.query("SELECT current_setting('application_name') AS a")).rows).toEqual([{ a: 'first' }]);
    await c.query("SET application_name = 'second'");
    expect((await c.query("SELECT current_setting('application_name') AS a")).rows).toEqual([{ a: 'second' }]);
    const sql = "SELECT '2021-06-01 12:00'::timestamptz::text AS t";
    await c.query("SET TimeZone = 'UTC'");
    await repeat(c, sql);
    await c.query("SET TimeZone = 'Asia/Tokyo'");
    expect((await c.query(sql)).rows).toEqual([{ t: '2021-06-01 12:00:00+09' }]);
    await c.query("SET TimeZone = 'UTC'");
    expect((await c.query(sql)).rows).toEqual([{ t: '2021-06-01 12:00:00+00' }]);
  });

  it('follows a macro that shadows a built-in, and its drop', async () => {
    const sql = 'SELECT abs(-1) AS a';
    expect((await repeat(c, sql)).replayed).toBe(2);
    await c.query('CREATE MACRO abs(x) AS random() + 100');
    const shadowed = await repeat(c, sql, 3);
    const values = shadowed.rows.map((r) => (r[0] as { a: number }).a);
    expect(values.every((v) => v >= 100)).toBe(true);
    expect(new Set(values).size).toBe(3);
    expect(shadowed.replayed).toBe(0);
    await c.query('DROP MACRO abs');
    expect((await repeat(c, sql)).rows).toEqual([[{ a: 1 }], [{ a: 1 }], [{ a: 1 }]]);
  });

  it('leaves a macro of another session to that session (each session has its own catalog)', async () => {
    const other = await server.client();
    try {
      await other.query('CREATE MACRO abs(x) AS 100');
      expect((await other.query('SELECT abs(-1) AS a')).rows).toEqual([{ a: 100 }]);
      expect((await c.query('SELECT abs(-1) AS a')).rows).toEqual([{ a: 1 }]);
    } finally {
      await other.end();
    }
  });

  it('keeps no error: a failing constant fails each time', async () => {
    const before = constantCounters.replayed;
    for (let i = 0; i < 2; i++) await expect(c.query("SELECT 'x'::int AS v")).rejects.toMatchObject({ code: '22P02' });
    expect(constantCounters.replayed).toBe(before);
  });

  it('sends every row of a table-free statement that returns several', async () => {
    const { rows } = await repeat(c, 'SELECT unnest([1, 2, 3]) AS v', 2);
    for (const r of rows) expect(r).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
    const big = await repeat(c, 'SELECT unnest(range(5000)) AS v', 2);
    for (const r of big.rows) expect(r.length).toBe(5000);
  });

  it('is answered inside transactions, and refused in a failed one (25P02)', async () => {
    await c.query('BEGIN');
    expect((await repeat(c, 'SELECT 5 AS five')).rows).toEqual([[{ five: 5 }], [{ five: 5 }], [{ five: 5 }]]);
    await expect(c.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    await expect(c.query('SELECT 5 AS five')).rejects.toMatchObject({ code: '25P02' });
    await c.query('ROLLBACK');
    expect((await c.query('SELECT 5 AS five')).rows).toEqual([{ five: 5 }]);
  });

  it('answers a ping while DuckDB is busy with a long query on another session', async () => {
    const busy = await server.client();
    try {
      await c.query('SELECT 1 AS one');
      await busy.query("SET statement_timeout = '3s'");
      const long = busy.query('SELECT count(*) FROM range(30000000000) a WHERE a.range % 7 = 3').then(
        () => 'finished',
        (e: Error & { code?: string }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 300));
      const before = constantCounters.replayed;
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect(constantCounters.replayed).toBe(before + 1);
      expect(await long).toBe('57014');
    } finally {
      await busy.end();
    }
  });
});
