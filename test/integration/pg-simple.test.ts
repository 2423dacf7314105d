import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  client = await server.client();
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

async function pgError(sql: string, values?: unknown[]): Promise<pg.DatabaseError> {
  try {
    await client.query(sql, values);
  } catch (e) {
    return e as pg.DatabaseError;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('node-postgres, simple protocol', () => {
  it('answers a query with typed values', async () => {
    const r = await client.query("SELECT 1::INTEGER AS a, 'x' AS b, true AS c, 2.5::DOUBLE AS d, NULL AS e");
    expect(r.rows).toEqual([{ a: 1, b: 'x', c: true, d: 2.5, e: null }]);
    // DuckDB types an untyped NULL as INTEGER
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 16, 701, 23]);
    expect(r.command).toBe('SELECT');
    expect(r.rowCount).toBe(1);
  });

  it('runs a multi-statement string and returns one result per statement', async () => {
    const results = (await client.query('SELECT 1 AS x; SELECT 2 AS y, 3 AS z')) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.rows)).toEqual([[{ x: 1 }], [{ y: 2, z: 3 }]]);
  });

  it('stops a multi-statement string at the first error and stays usable', async () => {
    const e = await pgError('SELECT 1; SELECT * FROM no_such_table; SELECT 3');
    expect(e.code).toBe('42P01');
    const r = await client.query('SELECT 4 AS ok');
    expect(r.rows).toEqual([{ ok: 4 }]);
  });

  it('answers an empty query', async () => {
    for (const sql of ['', ';', '-- ping', '  /* nothing */ ; ;']) {
      const r = await client.query(sql);
      expect(r.rows, sql).toEqual([]);
      expect(r.command, sql).toBeNull();
    }
  });

  it('maps DuckDB errors to SQLSTATEs with a position, then runs the next query', async () => {
    const cases: [string, string][] = [
      ['SELECT * FROM missing_table', '42P01'],
      ['SELECT no_col FROM range(1)', '42703'],
      ['SELECT no_such_fn(1)', '42883'],
      ['SELEC 1', '42601'],
      ['SELECT 2147483647::INTEGER + 1', '22003'],
      ["SELECT '2026-13-45'::DATE", '22008'],
      ["SELECT 'abc'::INTEGER", '22P02'],
    ];
    for (const [sql, code] of cases) {
      const e = await pgError(sql);
      expect(e.code, sql).toBe(code);
      expect(e.message, sql).not.toMatch(/^\w+ Error:/);
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    }
    const e = await pgError('SELECT 1, no_col FROM range(1)');
    expect(Number(e.position)).toBe('SELECT 1, '.length + 1);
  });

  it('reports command tags for DDL and DML', async () => {
    const create = await client.query('CREATE TEMP TABLE t_tags (a INTEGER)');
    expect(create.command).toBe('CREATE');
    const ins = await client.query('INSERT INTO t_tags SELECT * FROM range(3)');
    expect([ins.command, ins.rowCount]).toEqual(['INSERT', 3]);
    const upd = await client.query('UPDATE t_tags SET a = a + 1 WHERE a > 0');
    expect([upd.command, upd.rowCount]).toEqual(['UPDATE', 2]);
    const del = await client.query('DELETE FROM t_tags');
    expect([del.command, del.rowCount]).toEqual(['DELETE', 3]);
    const ctas = await client.query('CREATE TABLE t_ctas AS SELECT * FROM range(7)');
    // PostgreSQL reports CREATE TABLE AS as SELECT n
    expect([ctas.command, ctas.rowCount]).toEqual(['SELECT', 7]);
    await client.query('DROP TABLE t_tags; DROP TABLE t_ctas');
  });
});

describe('transactions', () => {
  it('tracks BEGIN/COMMIT/ROLLBACK and the failed state (25P02)', async () => {
    const c = await server.client();
    try {
      await c.query('CREATE TEMP TABLE tx (a INTEGER)');
      await c.query('BEGIN');
      await c.query('INSERT INTO tx VALUES (1)');
      await c.query('ROLLBACK');
      expect((await c.query('SELECT count(*)::INTEGER AS n FROM tx')).rows).toEqual([{ n: 0 }]);

      await c.query('BEGIN');
      await c.query('INSERT INTO tx VALUES (2)');
      await expect(c.query('SELECT * FROM nope')).rejects.toMatchObject({ code: '42P01' });
      await expect(c.query('SELECT 1')).rejects.toMatchObject({
        code: '25P02',
        message: 'current transaction is aborted, commands ignored until end of transaction block',
      });
      const commit = await c.query('COMMIT');
      expect(commit.command).toBe('ROLLBACK');
      expect((await c.query('SELECT count(*)::INTEGER AS n FROM tx')).rows).toEqual([{ n: 0 }]);

      await c.query('BEGIN READ ONLY');
      await expect(c.query('INSERT INTO tx VALUES (3)')).rejects.toMatchObject({ code: '25006' });
      await c.query('ROLLBACK');
      await c.query('START TRANSACTION');
      await c.query('INSERT INTO tx VALUES (4)');
      expect((await c.query('COMMIT')).command).toBe('COMMIT');
      expect((await c.query('SELECT a FROM tx')).rows).toEqual([{ a: 4 }]);
    } finally {
      await c.end();
    }
  });
});

describe('statement cache', () => {
  // regression (peer tests): a cached prepared statement answered from the state before an INSERT
  it('sees data inserted after a statement was first run', async () => {
    const c = await server.client();
    try {
      await c.query('CREATE TABLE students (name VARCHAR, grade INTEGER, etcs INTEGER)');
      await c.query("CREATE MACRO weighted_avg(value, weight) AS SUM(value * weight) / SUM(CASE WHEN value IS NOT NULL THEN weight ELSE 0 END)");
      await c.query("INSERT INTO students VALUES ('Alice', 8, 6), ('Alice', 6, 2)");
      const sql = 'SELECT name, weighted_avg(grade, etcs) AS w FROM students GROUP BY name';
      expect((await c.query(sql)).rows).toEqual([{ name: 'Alice', w: 7.5 }]);
      await c.query("INSERT INTO students VALUES ('Alice', NULL, 42)");
      expect((await c.query(sql)).rows).toEqual([{ name: 'Alice', w: 7.5 }]);
      await c.query("INSERT INTO students VALUES ('Alice', 10, 8)");
      expect((await c.query(sql)).rows).toEqual([{ name: 'Alice', w: 8.75 }]);
    } finally {
      await c.end();
    }
  });
});

describe('DuckDB settings', () => {
  it('applies a per-connection DuckDB setting to this session only', async () => {
    const a = await server.client();
    const b = await server.client();
    try {
      await a.query('SET enable_progress_bar = true');
      expect((await a.query("SELECT current_setting('enable_progress_bar') AS v")).rows).toEqual([{ v: true }]);
      expect((await b.query("SELECT current_setting('enable_progress_bar') AS v")).rows).toEqual([{ v: false }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('warns that an instance-wide DuckDB setting changes every session', async () => {
    const a = await server.client();
    const notices: string[] = [];
    a.on('notice', (n) => notices.push(n.message ?? ''));
    try {
      await a.query("SET default_null_order = 'nulls_first'");
      expect(notices.join()).toMatch(/shared by every session/);
      const other = await server.client();
      const q = 'SELECT x FROM (VALUES (2), (NULL)) t(x) ORDER BY 1';
      expect((await other.query(q)).rows).toEqual([{ x: null }, { x: 2 }]);
      await a.end();
      await new Promise((r) => setTimeout(r, 200));
      // restored when the session that changed it ended
      expect((await other.query(q)).rows).toEqual([{ x: 2 }, { x: null }]);
      await other.end();
    } finally {
      await a.end().catch(() => undefined);
    }
  });
});

describe('TimeZone', () => {
  it('renders and computes in the session time zone, without touching other sessions', async () => {
    const a = await server.client({ types: { getTypeParser: () => (v: string) => v } } as never);
    const b = await server.client({ types: { getTypeParser: () => (v: string) => v } } as never);
    try {
      await a.query("SET TimeZone = 'America/Los_Angeles'");
      const q = "SELECT TIMESTAMPTZ '2021-07-31 07:00:00+00' AS t, date_part('timezone_hour', TIMESTAMPTZ '2021-07-31 07:00:00+00') AS h, date_trunc('day', TIMESTAMPTZ '2021-07-31 03:00:00+00') AS d";
      expect((await a.query(q)).rows).toEqual([{ t: '2021-07-31 00:00:00-07', h: '-7', d: '2021-07-30 00:00:00-07' }]);
      expect((await b.query(q)).rows).toEqual([{ t: '2021-07-31 07:00:00+00', h: '0', d: '2021-07-31 00:00:00+00' }]);
    } finally {
      await a.end();
      await b.end();
    }
  });
});

describe('error positions', () => {
  // regression: the offset of a later statement was added in UTF-16 units to a position in characters
  it('count characters across statements with characters outside the BMP', async () => {
    const sql = "SELECT '😀😀'; SELECT no_col FROM range(1)";
    const e = await pgError(sql);
    expect(e.code).toBe('42703');
    expect(Number(e.position)).toBe([...sql].indexOf('n') + 1);
  });
});
