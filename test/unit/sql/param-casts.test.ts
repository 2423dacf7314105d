import { describe, expect, it } from 'vitest';
import { castParameters } from '../../../src/sql/param-casts.js';

describe('castParameters', () => {
  it('casts the named parameters only', () => {
    expect(castParameters('SELECT $1 AS x, $2 + 1, $10', new Map([[1, 'VARCHAR'], [10, 'INTEGER']]))).toBe('SELECT $1::VARCHAR AS x, $2 + 1, $10::INTEGER');
  });

  it('leaves parameters inside strings, identifiers, comments and dollar quotes alone', () => {
    const sql = `SELECT '$1', "$1", $$ $1 $$, $t$ $1 $t$, E'\\' $1', /* $1 /* nested $1 */ */ -- $1\n $1`;
    expect(castParameters(sql, new Map([[1, 'VARCHAR']]))).toBe(sql.slice(0, -2) + '$1::VARCHAR');
  });

  it('does not take a$1 or 1$1 for parameters', () => {
    expect(castParameters('SELECT a$1, $1', new Map([[1, 'DATE']]))).toBe('SELECT a$1, $1::DATE');
  });
});
