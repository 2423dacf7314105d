import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSqlParser } from '../../../src/sql/duck-parser.js';
import { rollupRewrite } from '../../../src/sql/rollup-rewrite.js';

/** Which statements are answered from log_stats, and what they become (the rule in src/sql/rollup-rewrite.ts). */
let parser: DuckSqlParser;
beforeAll(async () => {
  parser = await DuckSqlParser.create();
});
afterAll(() => parser.close());

const HOUR = "time >= '2026-01-01 12:00:00+00' AND time < '2026-01-01 13:00:00+00'";

describe('rollupRewrite', () => {
  it.each([
    [`SELECT level, target, count(*) FROM log_entries WHERE ${HOUR} GROUP BY level, target`,
      `SELECT "level", "target", CAST(COALESCE(sum(count), 0) AS BIGINT) AS "count_star()" FROM log_stats WHERE ((time_bin >= '2026-01-01 12:00:00+00') AND (time_bin < '2026-01-01 13:00:00+00')) GROUP BY "level", "target"`],
    ['SELECT count(*) AS n FROM log_entries',
      'SELECT CAST(COALESCE(sum(count), 0) AS BIGINT) AS n FROM log_stats'],
    [`SELECT l.process_id, count(*) FROM public.log_entries AS l WHERE l.level <= 2 AND '2026-01-01 12:00' <= l.time GROUP BY ALL ORDER BY count(*) DESC LIMIT 3`,
      `SELECT l.process_id, CAST(COALESCE(sum(count), 0) AS BIGINT) AS "count_star()" FROM log_stats AS l WHERE ((l."level" <= 2) AND ('2026-01-01 12:00' <= l.time_bin)) GROUP BY ALL ORDER BY CAST(COALESCE(sum(count), 0) AS BIGINT) DESC LIMIT 3`],
  ])('answers %s from log_stats', async (sql, expected) => {
    expect(await rollupRewrite(parser, sql, 'UTC')).toBe(expected);
  });

  it.each([
    [`SELECT level, count(*) FROM log_entries WHERE time >= '2026-01-01 12:00:30+00' GROUP BY level`, 'a bound inside a minute'],
    [`SELECT level, count(*) FROM log_entries WHERE time > '2026-01-01 12:00:00+00' GROUP BY level`, '> excludes the first µs of the bin'],
    [`SELECT level, count(*) FROM log_entries WHERE time BETWEEN '2026-01-01 12:00' AND '2026-01-01 13:00' GROUP BY level`, 'an inclusive upper bound'],
    [`SELECT level, count(*) FROM log_entries WHERE time >= now() - interval '1 hour' GROUP BY level`, 'a bound that moves with the clock'],
    [`SELECT level, count(*) FROM log_entries WHERE time >= $1 GROUP BY level`, 'a parameter'],
    [`SELECT level, count(*) FROM log_entries WHERE ${HOUR} AND msg LIKE 'x%' GROUP BY level`, 'a condition on another column'],
    [`SELECT level, count(*) FROM log_entries WHERE ${HOUR} OR level = 1 GROUP BY level`, 'time under OR'],
    ['SELECT level, count(msg) FROM log_entries GROUP BY level', 'count of a column'],
    ['SELECT level, count(DISTINCT target) FROM log_entries GROUP BY level', 'count DISTINCT'],
    ['SELECT level, count(*), min(time) FROM log_entries GROUP BY level', 'another aggregate'],
    ['SELECT upper(target), count(*) FROM log_entries GROUP BY 1', 'an expression over a key'],
    ['SELECT level, count(*) FROM log_entries GROUP BY level HAVING count(*) > 1', 'HAVING'],
    ['SELECT level, count(*) FROM log_entries l JOIN processes p USING (process_id) GROUP BY level', 'a join'],
    ['SELECT level, count(*) FROM log_entries WHERE process_id IN (SELECT process_id FROM processes) GROUP BY level', 'a subquery'],
    ['SELECT level, count(*) FROM view_instance(\'log_entries\', \'p\') GROUP BY level', 'a view instance'],
    ['WITH x AS (SELECT * FROM log_entries) SELECT level, count(*) FROM x GROUP BY level', 'a CTE'],
    ['SELECT level, count(*) OVER () FROM log_entries', 'a window'],
    ['SELECT level FROM log_entries', 'no count'],
  ])('leaves %s alone (%s)', async (sql) => {
    expect(await rollupRewrite(parser, sql, 'UTC')).toBeNull();
  });

  it('reads bounds in the session time zone', async () => {
    const sql = "SELECT count(*) FROM log_entries WHERE time >= '2026-01-01 12:00:00' AND time < '2026-01-01 13:00:00'";
    expect(await rollupRewrite(parser, sql, 'Asia/Kolkata')).not.toBeNull(); // +05:30: whole minutes still
    expect(await rollupRewrite(parser, sql, 'Asia/Kathmandu')).not.toBeNull(); // +05:45
  });
});
