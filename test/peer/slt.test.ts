/**
 * The sqllogictest parser and the result rules, on inline files and on DuckDB's own test
 * data (a hashed result recomputed with the real DuckDB).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkQuery, checkStatement } from './slt-check.js';
import { parseFile } from './slt-file.js';
import type { LoopCommand, QueryRecord, StatementRecord } from './slt-parser.js';
import { hashValues, parseScaled, regexMatches, sortValues, valuesEquivalent } from './slt-values.js';
import { PEER_ROOT, runnableFiles } from './suite.js';

const file = (lines: string[]): string => `${lines.join('\n')}\n`;

describe('parser', () => {
  it('reads statements, queries, expected errors and values with their header lines', () => {
    const parsed = parseFile(file([
      '# comment', '', 'statement ok', 'CREATE TABLE t(i INT)', '', 'statement error', 'SELECT x', '----',
      'Binder Error', '', 'query II rowsort', 'SELECT 1, 2', '----', '1\t2', '', 'query I nosort lbl', 'SELECT 1', '----', '1',
    ]), 'f.test');
    const [create, failing, rows, labelled] = parsed.commands as [StatementRecord, StatementRecord, QueryRecord, QueryRecord];
    expect([create.line, create.expect, create.sql]).toEqual([3, 'ok', 'CREATE TABLE t(i INT)']);
    expect([failing.line, failing.expect, failing.expectedError]).toEqual([6, 'error', 'Binder Error']);
    expect([rows.line, rows.columnCount, rows.sort, rows.values]).toEqual([11, 2, 'row', ['1\t2']]);
    expect([labelled.sort, labelled.label]).toEqual(['none', 'lbl']);
  });

  it('nests loops, expands foreach type groups and keeps loop conditions', () => {
    const parsed = parseFile(file([
      'foreach t <integral>', '', 'loop i 0 2', '', 'onlyif t=tinyint', 'query I', 'SELECT ${i}::${t}', '----', '${i}', '',
      'endloop', '', 'endloop',
    ]), 'f.test');
    const outer = parsed.commands[0] as LoopCommand;
    expect(outer.tokens).toEqual(['tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint']);
    const inner = outer.body[0] as LoopCommand;
    expect([inner.start, inner.end, inner.tokens]).toEqual([0, 2, null]);
    expect((inner.body[0] as QueryRecord).conditions).toEqual([{ keyword: 't', value: 'tinyint', op: '=', skipIf: false }]);
  });

  it('skips mode skip regions, skipif duckdb records and the rest of a file after a missing require', () => {
    const parsed = parseFile(file([
      'mode skip', '', 'statement ok', 'SELECT 1', '', 'mode unskip', '', 'skipif duckdb', 'statement ok', 'SELECT 2', '',
      'onlyif duckdb', 'statement ok', 'SELECT 3', '', 'require tpch', '', 'statement ok', 'SELECT 4',
    ]), 'f.test');
    expect(parsed.commands.map((c) => c.line)).toEqual([13]);
    expect(parsed.skipped).toEqual([
      { line: 3, reason: 'mode skip' }, { line: 9, reason: 'skipif duckdb' }, { line: 18, reason: 'require tpch: extension not built into Sirius\'s DuckDB' },
    ]);
  });

  it('rejects what DuckDB rejects', () => {
    expect(() => parseFile(file(['statement error', 'SELECT 1', '', 'statement ok', 'SELECT 1']), 'f.test')).toThrow(/expected error message/);
    expect(() => parseFile(file(['halt', 'statement ok']), 'f.test')).toThrow(/separated by an empty line/);
    expect(() => parseFile(file(['frobnicate']), 'f.test')).toThrow(/Unrecognized parameter/);
  });

  it('parses every runnable peer file into the record count SOURCE.md states', () => {
    const stated = /Runnable: (\d+) files,\s*(\d+) records/.exec(readFileSync(`${PEER_ROOT}/SOURCE.md`, 'utf8'));
    const files = runnableFiles();
    let records = 0;
    const count = (commands: ReturnType<typeof parseFile>['commands']): number =>
      commands.reduce((n, c) => n + (c.kind === 'loop' ? count(c.body) : c.kind === 'statement' || c.kind === 'query' ? 1 : 0), 0);
    for (const f of files) records += count(parseFile(readFileSync(`${PEER_ROOT}/${f}`, 'utf8'), f).commands);
    expect([files.length, records]).toEqual([Number(stated![1]), Number(stated![2])]);
  });
});

describe('result rules', () => {
  it('hashes values exactly as DuckDB does for its own expected results', async () => {
    const text = readFileSync(`${PEER_ROOT}/sql/window/test_window_distinct.test`, 'utf8');
    const record = parseFile(text, 'w.test').commands.find((c): c is QueryRecord => c.kind === 'query' && c.values[0]?.startsWith('3000 values') === true)!;
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const rows = (await con.runAndReadAll(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (${record.sql})`)).getRows();
    con.closeSync();
    instance.closeSync();
    const values = rows.flat().map(String);
    expect(hashValues(values)).toBe(record.values[0]);
    const result = { columnCount: 3, rowCount: 1000, values, kinds: [{ t: 'integer' as const }, { t: 'integer' as const }, { t: 'integer' as const }] };
    expect(checkQuery(record, record.values, result, 0, new Map()).ok).toBe(true);
    values[5] = '999';
    expect(checkQuery(record, record.values, result, 0, new Map())).toMatchObject({ ok: false, kind: 'hash' });
  });

  it('sorts rows and values by bytes', () => {
    expect(sortValues('row', ['b', '1', 'a', '2', 'é', '0'], 2)).toEqual(['a', '2', 'b', '1', 'é', '0']);
    expect(sortValues('value', ['b', '10', '9'], 1)).toEqual(['10', '9', 'b']);
  });

  it('compares floats within 1%, decimals and integers after DuckDB-style rounding, booleans as 1/0', () => {
    expect(valuesEquivalent('0.30000000000000004', '0.3', { t: 'double' })).toBe(true);
    expect(valuesEquivalent('1.02', '1', { t: 'double' })).toBe(false);
    expect(valuesEquivalent('nan', 'NaN', { t: 'double' })).toBe(true);
    expect(valuesEquivalent('1.50', '1.5', { t: 'decimal', scale: 2 })).toBe(true);
    expect(valuesEquivalent('1.01', '1.005', { t: 'decimal', scale: 2 })).toBe(true);
    expect(valuesEquivalent('3', '2.5', { t: 'integer' })).toBe(true);
    expect(valuesEquivalent('1', 'true', { t: 'boolean' })).toBe(true);
    expect(valuesEquivalent('0', 'true', { t: 'boolean' })).toBe(false);
    expect(valuesEquivalent('abc', 'ABC', { t: 'other' })).toBe(false);
  });

  it('rounds test values half away from zero like DuckDB\'s VARCHAR → DECIMAL cast', async () => {
    const inputs = ['1.005', '-1.005', '1.0049999', '2.5', '-2.5', '1e2', ' 7 ', '.5', '123.456e-1'];
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    for (const input of inputs) {
      const [[duck]] = (await con.runAndReadAll(`SELECT CAST(TRY_CAST('${input}' AS DECIMAL(18,2)) * 100 AS BIGINT)`)).getRows();
      expect(parseScaled(input, 2), input).toBe(BigInt(duck as bigint));
    }
    con.closeSync();
    instance.closeSync();
  });

  it('matches <REGEX>: and <!REGEX>: in full, with . across lines', () => {
    expect(regexMatches('Binder Error: x\nLINE 1', '<REGEX>:Binder Error.*')).toBe(true);
    expect(regexMatches('Binder Error: x', '<REGEX>:Error')).toBe(false);
    expect(regexMatches('Binder Error: x', '<!REGEX>:.*Parser.*')).toBe(true);
  });

  it('checks statements: ok, error with a message, maybe, and never an internal error', () => {
    const stmt = (expect: 'ok' | 'error' | 'maybe'): StatementRecord => ({ kind: 'statement', line: 1, sql: 'x', conditions: [], connection: '', expect, expectedError: '' });
    const error = (body: string) => ({ texts: [`Conversion Error: ${body}`, body], display: body });
    expect(checkStatement(stmt('ok'), '', null).ok).toBe(true);
    expect(checkStatement(stmt('ok'), '', error('boom'))).toMatchObject({ ok: false, kind: 'unexpected-error' });
    expect(checkStatement(stmt('error'), 'Conversion Error: Could not', error('Could not convert')).ok).toBe(true);
    expect(checkStatement(stmt('error'), 'Binder Error', error('Could not convert'))).toMatchObject({ ok: false, kind: 'error-message' });
    expect(checkStatement(stmt('error'), '', null)).toMatchObject({ ok: false, kind: 'unexpected-success' });
    expect(checkStatement(stmt('maybe'), 'x', null).ok).toBe(true);
    expect(checkStatement(stmt('error'), '', error('INTERNAL Error: bad'))).toMatchObject({ ok: false, kind: 'internal-error' });
  });
});
