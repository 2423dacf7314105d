import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSqlParser } from '../../../src/sql/duck-parser.js';
import {
  applyReplacements,
  quoteIdentifier,
  viewInstanceCallEnd,
  viewInstanceTableName,
} from '../../../src/sql/view-instance-rewrite.js';
import { findViews, type FoundViews } from '../../../src/sql/views-in-query.js';

const VIEWS = new Map(Object.entries({
  processes: { timeColumn: 'insert_time' }, log_entries: { timeColumn: 'time' }, measures: { timeColumn: 'time' },
  thread_spans: { timeColumn: 'begin' }, async_events: { timeColumn: 'time' },
}));

let parser: DuckSqlParser;
beforeAll(async () => {
  parser = await DuckSqlParser.create();
});
afterAll(() => parser.close());

const find = (sql: string): Promise<FoundViews> => findViews(parser, sql, VIEWS);

describe('names and quoting', () => {
  it('names a view instance view_instance:<set>:<id> and quotes it as an identifier', () => {
    expect(viewInstanceTableName('log_entries', 'p1')).toBe('view_instance:log_entries:p1');
    expect(quoteIdentifier('view_instance:log_entries:p1')).toBe('"view_instance:log_entries:p1"');
    expect(quoteIdentifier('a"b""c')).toBe('"a""b""""c"');
    expect(quoteIdentifier("it's")).toBe('"it\'s"');
  });

  it('finds the closing parenthesis past comments and strings that hold one', () => {
    const sql = "SELECT * FROM VIEW_INSTANCE ( /* ) */ 'log_entries', -- )\n 'p)1' ) AS v";
    const start = sql.indexOf('VIEW_INSTANCE');
    expect(sql.slice(start, viewInstanceCallEnd(sql, start))).toBe("VIEW_INSTANCE ( /* ) */ 'log_entries', -- )\n 'p)1' )");
    expect(() => viewInstanceCallEnd(sql, 0)).toThrow('no view_instance call at offset 0');
    expect(() => viewInstanceCallEnd('view_instance x', 0)).toThrow('is not followed by "("');
    expect(() => viewInstanceCallEnd("view_instance('a', 'b'", 0)).toThrow('is not closed');
  });

  it('applies replacements in text order and refuses overlaps', () => {
    expect(applyReplacements('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 2, text: 'AB' }])).toBe('ABcdEf');
    expect(() => applyReplacements('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }])).toThrow('overlapping');
  });
});

describe('findViews rewrites view_instance calls and nothing else', () => {
  it.each<[string, string]>([
    [
      "SELECT * FROM view_instance('log_entries', '5b0c6f1e-0000-4000-8000-000000000001') WHERE level <= 2 AND time >= now() - interval '1 hour';",
      `SELECT * FROM "view_instance:log_entries:5b0c6f1e-0000-4000-8000-000000000001" WHERE level <= 2 AND time >= now() - interval '1 hour';`,
    ],
    [
      "select l.msg  FROM  View_Instance( 'log_entries' ,\n'p1' )  l  -- view_instance('measures', 'x')\n WHERE l.msg <> 'view_instance(''a'', ''b'')'",
      `select l.msg  FROM  "view_instance:log_entries:p1"  l  -- view_instance('measures', 'x')\n WHERE l.msg <> 'view_instance(''a'', ''b'')'`,
    ],
    [
      "SELECT * FROM view_instance('log_entries', 'it''s \"quoted\"') a JOIN view_instance(E'measures', $$p2$$) b USING (process_id)",
      'SELECT * FROM "view_instance:log_entries:it\'s ""quoted""" a JOIN "view_instance:measures:p2" b USING (process_id)',
    ],
    [
      "SELECT 'é😀', * FROM /* ünïcode */ view_instance('thread_spans', 'streäm-1') WHERE name = '日本'",
      `SELECT 'é😀', * FROM /* ünïcode */ "view_instance:thread_spans:streäm-1" WHERE name = '日本'`,
    ],
    [
      "WITH s AS (SELECT * FROM view_instance('async_events', 'p1')) SELECT * FROM s, (SELECT * FROM view_instance('measures', 'p1')) m WHERE EXISTS (FROM view_instance('log_entries', 'p1'))",
      'WITH s AS (SELECT * FROM "view_instance:async_events:p1") SELECT * FROM s, (SELECT * FROM "view_instance:measures:p1") m WHERE EXISTS (FROM "view_instance:log_entries:p1")',
    ],
    [
      "EXPLAIN ANALYZE FROM view_instance('log_entries', 'p1') SELECT count(*)",
      'EXPLAIN ANALYZE FROM "view_instance:log_entries:p1" SELECT count(*)',
    ],
  ])('%s', async (sql, rewritten) => {
    expect((await find(sql)).rewrittenSql).toBe(rewritten);
  });

  it('describes each view_instance ref', async () => {
    const sql = "SELECT 'é' AS x, * FROM view_instance('log_entries', 'p1') AS l";
    const [ref] = (await find(sql)).refs;
    expect(ref).toEqual({
      viewSet: 'log_entries', instanceId: 'p1', alias: 'l', tableName: 'view_instance:log_entries:p1',
      written: "view_instance('log_entries', 'p1')", offset: sql.indexOf('view_instance'), timeColumn: 'time',
    });
  });
});

describe('DuckDB runs the rewritten statement over TEMP VIEWs named by tableName', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await DuckDBConnection.create(db);
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
  });

  /** Defines each ref's TEMP VIEW (one row naming the instance), as the server does, then runs the statement. */
  async function run(sql: string): Promise<unknown[][]> {
    const found = await find(sql);
    for (const ref of found.refs) {
      const literal = `'${ref.instanceId.replaceAll("'", "''")}'`;
      await conn.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(ref.tableName)} AS SELECT ${literal} AS instance, 'p' AS process_id`);
    }
    return (await conn.runAndReadAll(found.rewrittenSql)).getRows();
  }

  it('resolves instances, including ids with quotes, and global views', async () => {
    const sql = `SELECT a.instance, b.instance, g.instance FROM view_instance('log_entries', 'it''s "x"') a
      JOIN view_instance('measures', 'p2') b USING (process_id) JOIN log_entries g USING (process_id)`;
    expect(await run(sql)).toEqual([[`it's "x"`, 'p2', 'global']]);
  });

  it('resolves main.<view> to the TEMP VIEW, and public.<view> through the rewrite (DuckDB has no public schema)', async () => {
    expect(await run('SELECT instance FROM main.processes')).toEqual([['global']]);
    expect(await run('SELECT instance FROM public.processes')).toEqual([['global']]);
    expect(await run('SELECT p.instance FROM "public"."processes" p')).toEqual([['global']]);
  });
});
