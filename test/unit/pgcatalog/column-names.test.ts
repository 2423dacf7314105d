import { describe, expect, it } from 'vitest';
import { pgColumnNames } from '../../../src/pgcatalog/column-names.js';

const names = (sql: string, n: number): string[] | null => pgColumnNames(sql, n);

describe('pgColumnNames: PostgreSQL 15 FigureColname', () => {
  // every expectation here was checked against PostgreSQL 15's own column names
  it('names function calls after the function', () => {
    expect(names('SELECT count(*), sum(x), pg_catalog.format_type(a, b), row_number() OVER (ORDER BY x) FROM t', 4))
      .toEqual(['count', 'sum', 'format_type', 'row_number']);
    expect(names('SELECT count(*) FILTER (WHERE x > 1) FROM t', 1)).toEqual(['count']);
    expect(names('SELECT count(*) OVER w FROM t WINDOW w AS ()', 1)).toEqual(['count']);
  });

  it('names constants ?column? and casts of them after the type', () => {
    expect(names("SELECT 1, 'a', 1::int, '2024-01-02'::date, $1::int8[], 1 + 2, NULL", 7))
      .toEqual(['?column?', '?column?', 'int4', 'date', 'int8', '?column?', '?column?']);
    expect(names("SELECT CAST(1 AS integer), CAST(x AS text), x::varchar(10), 'x'::varchar(10), true, interval '1 day'", 6))
      .toEqual(['int4', 'x', 'x', 'varchar', '?column?', 'interval']);
  });

  it('keeps aliases, explicit or not', () => {
    expect(names('SELECT count(*) AS n, x y, "Z" FROM t', 3)).toEqual(['n', 'y', 'Z']);
  });

  it('names columns, CASE, subscripts, scalar subqueries and sublinks', () => {
    expect(names('SELECT c.relname, CASE WHEN a THEN 1 END, (current_schemas(true))[1], (SELECT max(x) FROM t), EXISTS (SELECT 1), ARRAY[1]', 6))
      .toEqual(['relname', 'case', 'current_schemas', 'max', 'exists', 'array']);
    expect(names("SELECT CASE WHEN a THEN '' ELSE c.reloftype::regtype::text END, c.oid::regclass::text FROM pg_class c", 2))
      .toEqual(['reloftype', 'oid']);
    expect(names("SELECT CASE WHEN a THEN 1 ELSE 2 END, CASE WHEN a THEN '' ELSE 1::regtype::text END", 2)).toEqual(['case', 'case']);
  });

  it('names VALUES columns column1…', () => {
    expect(names('VALUES (1, 2)', 2)).toEqual(['column1', 'column2']);
  });

  it('follows the first branch of a UNION and the main query of a WITH', () => {
    expect(names('WITH w AS (SELECT 1 AS a) SELECT count(*) FROM w UNION SELECT 2', 1)).toEqual(['count']);
  });

  it('gives up where columns do not map onto the select list', () => {
    expect(names('SELECT * FROM t', 3)).toBeNull();
    expect(names('SELECT t.*, 1 FROM t', 3)).toBeNull();
    expect(names('SELECT 1, 2', 3)).toBeNull();
    expect(names('SHOW tables', 1)).toBeNull();
    expect(names('SELECT * EXCLUDE (a) FROM t', 1)).toBeNull();
  });
});
