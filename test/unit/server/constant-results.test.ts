import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSqlParser } from '../../../src/sql/duck-parser.js';
import { constantSelectCalls } from '../../../src/server/constant-results.js';

let parser: DuckSqlParser;

beforeAll(async () => {
  parser = await DuckSqlParser.create();
});

afterAll(() => parser?.close());

async function calls(sql: string): Promise<string[] | null> {
  const parsed = await parser.parse(sql);
  if (!parsed.ok) throw new Error(parsed.message);
  const names = constantSelectCalls(parsed.statements[0]);
  return names && [...names].sort();
}

describe('constantSelectCalls (DuckDB parse trees)', () => {
  it.each([
    ['SELECT 1', []],
    ["SELECT 'a' || 'b', 1 + 2 * 3, NOT true, 1 IN (1, 2), 2 BETWEEN 1 AND 3, NULL IS NULL", []],
    ["SELECT CASE WHEN 1 = 1 THEN 'y' ELSE 'n' END, CAST('1' AS INT), TRY_CAST('x' AS INT), 1 < 2 AND 2 < 3", []],
    ["SELECT abs(-1), upper('x'), [1, 2], {'a': 1}", ['abs', 'list_value', 'struct_pack', 'upper']],
  ])('%s is a constant SELECT calling %j', async (sql, expected) => {
    expect(await calls(sql)).toEqual(expected);
  });

  it.each([
    'SELECT x FROM t',
    'SELECT 1 WHERE true',
    'SELECT 1 ORDER BY 1',
    'SELECT 1 LIMIT 1',
    'SELECT 1 GROUP BY 1',
    'SELECT 1 HAVING true',
    'SELECT DISTINCT 1',
    'WITH a AS (SELECT 1) SELECT 2',
    'SELECT 1 UNION SELECT 2',
    'SELECT (SELECT 1)',
    'SELECT EXISTS (SELECT 1)',
    'SELECT $1',
    'SELECT current_timestamp',
    'SELECT x',
    'SELECT list_transform([1], x -> x + 1)',
    'SELECT row_number() OVER ()',
    "SELECT 'a' COLLATE nocase",
    'SELECT sirius_pg.pg.version()',
    'SELECT count(*) FILTER (WHERE true)',
    'SELECT string_agg(1, \',\' ORDER BY 1)',
    '*',
  ])('%s is not', async (sql) => {
    const parsed = await parser.parse(sql);
    if (!parsed.ok) return expect(parsed.ok).toBe(false);
    expect(constantSelectCalls(parsed.statements[0])).toBeNull();
  });
});
