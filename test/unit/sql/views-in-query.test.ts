import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSqlParser } from '../../../src/sql/duck-parser.js';
import { findViews, mentionsView, type FoundViews } from '../../../src/sql/views-in-query.js';
import { SqlState } from '../../../src/wire/sqlstate.js';

const VIEWS = new Map(Object.entries({
  processes: { timeColumn: 'insert_time' }, streams: { timeColumn: 'insert_time' }, blocks: { timeColumn: 'insert_time' },
  log_entries: { timeColumn: 'time' }, measures: { timeColumn: 'time' }, log_stats: { timeColumn: 'time_bin' },
  thread_spans: { timeColumn: 'begin' }, async_events: { timeColumn: 'time' },
}));

let parser: DuckSqlParser;
beforeAll(async () => {
  parser = await DuckSqlParser.create();
});
afterAll(() => parser.close());

const find = (sql: string): Promise<FoundViews> => findViews(parser, sql, VIEWS);

/** [viewSet, instanceId, alias] of every ref, in statement order. */
async function refsOf(sql: string): Promise<[string, string, string | null][]> {
  const found = await find(sql);
  return found.refs.map((r) => [r.viewSet, r.instanceId, r.alias ?? null]);
}

const G = 'global';

describe('findViews: the statements Sirius answers', () => {
  it.each<[string, [string, string, string | null][]]>([
    ['SELECT * FROM log_entries WHERE level <= 2;', [['log_entries', G, null]]],
    [
      "SELECT date_trunc('minute', time) AS t, count(*) FROM measures WHERE name = 'cpu_usage'\n  AND time BETWEEN '2026-01-01T00:00:00Z' AND '2026-01-01T01:00:00Z' GROUP BY 1 ORDER BY 1",
      [['measures', G, null]],
    ],
    ['WITH errs AS (SELECT * FROM log_entries WHERE level <= 2 AND time > $1) SELECT process_id, count(*) FROM errs GROUP BY 1', [['log_entries', G, null]]],
    [
      "SELECT l.msg, p.exe FROM log_entries l JOIN processes p USING (process_id) WHERE l.time >= '2026-01-01' AND l.time < '2026-01-02'",
      [['log_entries', G, 'l'], ['processes', G, 'p']],
    ],
    ['SELECT time FROM log_entries UNION ALL SELECT time FROM measures EXCEPT SELECT time_bin FROM log_stats', [['log_entries', G, null], ['measures', G, null], ['log_stats', G, null]]],
  ])('%s', async (sql, expected) => {
    const found = await find(sql);
    expect(found.refs.map((r) => [r.viewSet, r.instanceId, r.alias ?? null])).toEqual(expected);
    expect(found.rewrittenSql).toBe(sql);
    expect(found.parsed).not.toBeNull();
  });

  it('reports where each global ref is and how it was written', async () => {
    const sql = 'SELECT * FROM streams s, "Blocks", public.log_entries, MAIN.measures';
    const found = await find(sql);
    expect(found.refs.map((r) => ({ set: r.viewSet, table: r.tableName, written: r.written, offset: r.offset, time: r.timeColumn }))).toEqual([
      { set: 'streams', table: 'streams', written: 'streams', offset: sql.indexOf('streams'), time: 'insert_time' },
      { set: 'blocks', table: 'blocks', written: 'Blocks', offset: sql.indexOf('"Blocks"'), time: 'insert_time' },
      { set: 'log_entries', table: 'log_entries', written: 'public.log_entries', offset: sql.indexOf('public'), time: 'time' },
      { set: 'measures', table: 'measures', written: 'MAIN.measures', offset: sql.indexOf('MAIN'), time: 'time' },
    ]);
  });
});

describe('findViews: names that are not view references', () => {
  it('skips view names in strings, comments, column names, aliases and functions', async () => {
    const sql = `SELECT 'log_entries' AS measures, processes, $$streams$$, E'blocks' -- log_stats
      /* FROM thread_spans */ FROM t AS log_entries, generate_series(1, 2) AS processes(x), blocks() WHERE log_entries.time > 0`;
    const found = await find(sql);
    expect(found.refs).toEqual([]);
    expect(found.rewrittenSql).toBe(sql);
  });

  it('does not parse statements that name no view at all', async () => {
    expect(mentionsView("SELECT 'log_entries' -- processes", VIEWS)).toBe(false);
    expect(mentionsView('SELECT * FROM LOG_ENTRIES', VIEWS)).toBe(true);
    expect(mentionsView('SELECT * FROM "Log_Entries"', VIEWS)).toBe(true);
    expect(mentionsView('SELECT * FROM View_Instance(1)', VIEWS)).toBe(true);
    expect(await find('SELECT relname FROM pg_class WHERE relkind = $1')).toEqual({ refs: [], rewrittenSql: 'SELECT relname FROM pg_class WHERE relkind = $1', parsed: null });
  });

  it('skips other schemas and catalogs', async () => {
    expect(await refsOf('SELECT * FROM myschema.log_entries, pg_catalog.processes, other.main.measures')).toEqual([]);
    expect(await refsOf('SELECT * FROM temp.log_entries, temp.main.measures')).toEqual([['log_entries', G, null], ['measures', G, null]]);
  });
});

describe('findViews: CTE scoping, as DuckDB binds it', () => {
  it.each<[string, string, number]>([
    ['a CTE shadows the view in the main query', 'WITH log_entries AS (SELECT 1 AS x) SELECT * FROM log_entries', 0],
    ['CTE names ignore case', 'WITH Log_Entries AS (SELECT 1 AS x) SELECT * FROM LOG_ENTRIES', 0],
    ['a CTE is not in scope in its own body', 'WITH log_entries AS (SELECT * FROM log_entries WHERE level <= 2) SELECT * FROM log_entries', 1],
    ['a later CTE is not in scope in an earlier one', 'WITH a AS (SELECT * FROM log_entries), log_entries AS (SELECT 1 AS x) SELECT * FROM a, log_entries', 1],
    ['…even under WITH RECURSIVE', 'WITH RECURSIVE a AS (SELECT * FROM log_entries), log_entries AS (SELECT 1 AS x) SELECT * FROM a', 1],
    ['an earlier CTE is in scope in a later one', 'WITH log_entries AS (SELECT 1 AS x), a AS (SELECT * FROM log_entries) SELECT * FROM a', 0],
    ['a recursive CTE sees itself', 'WITH RECURSIVE log_entries AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM log_entries WHERE n < 3) SELECT * FROM log_entries', 0],
    ['a CTE is in scope in subqueries', 'WITH measures AS (SELECT 1 AS x) SELECT (SELECT count(*) FROM measures), * FROM (SELECT * FROM measures) s', 0],
    ['a nested WITH shadows only inside its subquery', 'SELECT (WITH log_entries AS (SELECT 1 AS x) SELECT x FROM log_entries), (SELECT count(*) FROM log_entries)', 1],
    ['a qualified name is never a CTE', 'WITH log_entries AS (SELECT 1 AS x) SELECT * FROM main.log_entries', 1],
    ['a materialized CTE over the view', 'WITH e AS MATERIALIZED (SELECT * FROM log_entries) SELECT * FROM e a JOIN e b USING (process_id)', 1],
  ])('%s', async (_name, sql, count) => {
    expect((await find(sql)).refs).toHaveLength(count);
  });
});

describe('findViews: the DuckDB dialect', () => {
  it.each<[string, number]>([
    ['FROM log_entries', 1],
    ['FROM log_entries l SELECT l.msg WHERE l.level <= 2', 1],
    ['SELECT process_id, count(*) FROM log_entries GROUP BY ALL ORDER BY ALL', 1],
    ['SELECT * FROM log_entries QUALIFY row_number() OVER (PARTITION BY process_id ORDER BY time DESC) = 1', 1],
    ["SELECT time::date, level::VARCHAR FROM log_entries WHERE time > $1::timestamptz AND process_id = $2", 1],
    ['SELECT * EXCLUDE (msg) FROM log_entries l ASOF JOIN measures m ON l.process_id = m.process_id AND l.time >= m.time', 2],
    ['SELECT [1, 2] AS a, {x: 1} AS s, * FROM log_entries POSITIONAL JOIN measures', 2],
    ['DESCRIBE log_entries', 1],
    ['SUMMARIZE SELECT * FROM measures', 1],
    ['SHOW processes', 1],
    ['SELECT * FROM log_entries WHERE process_id IN (SELECT process_id FROM processes WHERE exe LIKE $1)', 2],
    ['SELECT * FROM log_entries l, LATERAL (SELECT * FROM measures m WHERE m.process_id = l.process_id LIMIT 1)', 2],
    ['(SELECT * FROM log_entries LIMIT 1) UNION (SELECT * FROM log_entries LIMIT 1)', 2],
  ])('%s', async (sql, count) => {
    const found = await find(sql);
    expect(found.refs).toHaveLength(count);
    expect(found.rewrittenSql).toBe(sql);
  });

  it('looks into EXPLAIN [ANALYZE] [(options)]', async () => {
    for (const sql of ['EXPLAIN SELECT * FROM log_entries', 'explain analyze FROM log_entries', 'EXPLAIN (FORMAT json) SELECT * FROM log_entries', 'EXPLAIN (SELECT * FROM log_entries)']) {
      expect(await refsOf(sql), sql).toEqual([['log_entries', G, null]]);
    }
    const found = await find("EXPLAIN SELECT * FROM view_instance('measures', 'p1')");
    expect(found.rewrittenSql).toBe('EXPLAIN SELECT * FROM "view_instance:measures:p1"');
    expect(found.refs[0].offset).toBe(22);
  });
});

describe('findViews: errors', () => {
  it.each<[string, string, string, number]>([
    ["SELECT * FROM view_instance('log_entries', 1)", SqlState.InvalidParameterValue, 'view_instance arguments must be string literals', 15],
    ["SELECT * FROM view_instance($1, 'p1')", SqlState.InvalidParameterValue, "view_instance's view set cannot be a parameter: it decides the statement's columns, which are described before parameters are bound", 15],
    ["SELECT * FROM view_instance('log_' || 'entries', 'p1')", SqlState.InvalidParameterValue, 'view_instance arguments must be string literals', 15],
    ["SELECT * FROM view_instance('log_entries', 'p1'::VARCHAR)", SqlState.InvalidParameterValue, 'view_instance arguments must be string literals', 15],
    ["SELECT * FROM log_entries, view_instance(NULL, 'p1')", SqlState.InvalidParameterValue, 'view_instance arguments must be string literals', 28],
    ["SELECT * FROM view_instance('log_entries')", SqlState.UndefinedFunction, 'view_instance takes 2 arguments (view_set, instance_id), not 1', 15],
    ["SELECT * FROM view_instance('nope', 'p1')", SqlState.UndefinedTable, 'view set "nope" does not exist', 15],
    ["SELECT * FROM view_instance('measures', 'P1') a, view_instance('measures', 'p1') b", SqlState.InvalidParameterValue,
      'view instances "view_instance:measures:P1" and "view_instance:measures:p1" differ only in letter case, which SQL identifiers do not distinguish', 0],
  ])('%s', async (sql, code, message, position) => {
    const err = await find(sql).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'PgError', code, message });
    if (position) expect(err).toMatchObject({ position });
  });

  it('counts positions in characters, not UTF-8 bytes', async () => {
    await expect(find("SELECT 'é😀' AS x FROM view_instance('log_entries', 2)")).rejects.toMatchObject({ position: 23 });
  });

  it('refuses views in statements DuckDB cannot serialize: DML, DDL, COPY and PIVOT', async () => {
    for (const sql of ['INSERT INTO t SELECT * FROM log_entries', 'CREATE TABLE t AS SELECT * FROM measures', "COPY (SELECT * FROM log_entries) TO 'x.csv'", 'PIVOT log_entries ON level USING count(*)',
      'SELECT * FROM (PIVOT log_entries ON level USING count(*))']) {
      await expect(find(sql), sql).rejects.toMatchObject({ code: SqlState.FeatureNotSupported });
    }
  });

  it('leaves statements DuckDB cannot parse untouched, for DuckDB to report', async () => {
    const sql = "SELECT * FROM view_instance('log_entries', 'p1') WHERE";
    expect(await find(sql)).toEqual({ refs: [], rewrittenSql: sql, parsed: null });
  });
});
