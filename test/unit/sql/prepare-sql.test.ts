import { describe, expect, it } from 'vitest';
import { castDeclaredParameters, duckdbPrepareSql } from '../../../src/sql/prepare-sql.js';
import { parseSessionStatement } from '../../../src/sql/session-hooks.js';

describe('PREPARE parsing', () => {
  it('takes the name, the type list as written and the statement', () => {
    expect(parseSessionStatement('PREPARE twice(int, double precision, numeric(10,2)) AS SELECT $1 * 2;')).toEqual({
      type: 'prepare', name: 'twice', types: ['int', 'double precision', 'numeric(10,2)'], body: 'SELECT $1 * 2',
    });
    expect(parseSessionStatement('prepare "Q" as select 1')).toEqual({ type: 'prepare', name: 'Q', types: null, body: 'select 1' });
  });

  it('leaves PREPARE TRANSACTION to DuckDB and reports a missing AS at its position', () => {
    expect(parseSessionStatement("PREPARE TRANSACTION 'x'")).toBeNull();
    expect(() => parseSessionStatement('PREPARE q SELECT 1')).toThrow(/syntax error at or near "SELECT"/);
    expect(() => parseSessionStatement('PREPARE q() AS SELECT 1')).toThrow(/syntax error at or near "\)"/);
  });
});

describe('duckdbPrepareSql', () => {
  it('casts each parameter to its declared type, leaving strings and undeclared parameters alone', () => {
    expect(castDeclaredParameters("SELECT $1 * 2, '$1', $2, $3", ['int', 'jsonb'])).toBe("SELECT CAST($1 AS int) * 2, '$1', CAST($2 AS JSON), $3");
    expect(duckdbPrepareSql('a"b', null, 'SELECT 1')).toBe('PREPARE "a""b" AS SELECT 1');
  });
});

describe('DECLARE / FETCH / MOVE parsing', () => {
  it('DECLARE with its options and the query as written', () => {
    expect(parseSessionStatement('DECLARE "big" BINARY NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1;')).toEqual({ type: 'declare', name: 'big', binary: true, hold: false, body: 'SELECT 1' });
    expect(parseSessionStatement('declare c cursor with hold for select 2')).toEqual({ type: 'declare', name: 'c', binary: false, hold: true, body: 'select 2' });
    expect(() => parseSessionStatement('DECLARE c SCROLL CURSOR FOR SELECT 1')).toThrow(/SCROLL cursors is not supported/);
    expect(() => parseSessionStatement('DECLARE c CURSOR SELECT 1')).toThrow(/syntax error at or near "SELECT"/);
  });

  it('FETCH and MOVE forward forms; backward ones are not supported', () => {
    const f = (sql: string): unknown => parseSessionStatement(sql);
    expect(f('FETCH c')).toEqual({ type: 'fetch', move: false, count: 1, name: 'c' });
    expect(f('FETCH NEXT FROM c')).toEqual({ type: 'fetch', move: false, count: 1, name: 'c' });
    expect(f('FETCH FORWARD 7 FROM "big"')).toEqual({ type: 'fetch', move: false, count: 7, name: 'big' });
    expect(f('FETCH FORWARD ALL IN c')).toEqual({ type: 'fetch', move: false, count: null, name: 'c' });
    expect(f('FETCH ALL c')).toEqual({ type: 'fetch', move: false, count: null, name: 'c' });
    expect(f('MOVE 3 IN c')).toEqual({ type: 'fetch', move: true, count: 3, name: 'c' });
    expect(() => f('FETCH PRIOR FROM c')).toThrow(/FETCH PRIOR/);
    expect(() => f('FETCH 1.5 FROM c')).toThrow(/syntax error/);
  });
});
