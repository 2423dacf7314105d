/**
 * TestResultHelper::CheckQueryResult and CheckStatementResult (DuckDB v1.5 result_helper.cpp)
 * on results already rendered the way DuckDB renders them (duck-render.ts).
 */
import type { QueryRecord, StatementRecord } from './slt-parser.js';
import { type ColumnKind, hashValues, isHashLine, isRegex, regexMatches, sortValues, valuesEquivalent } from './slt-values.js';

export interface RenderedResult {
  columnCount: number;
  rowCount: number;
  /** Row-major DuckDB renderings, NULL as "NULL". */
  values: string[];
  kinds: ColumnKind[];
}

export type Check = { ok: true } | { ok: false; kind: 'mismatch' | 'row-count' | 'column-count' | 'hash'; message: string };

/** Hashes of labelled queries, shared by the records of one file. */
export type LabelMap = Map<string, string>;

const FAIL = (kind: Exclude<Check, { ok: true }>['kind'], message: string): Check => ({ ok: false, kind, message });

export function checkQuery(record: QueryRecord, expected: string[], result: RenderedResult, hashThreshold: number, labels: LabelMap): Check {
  const total = result.rowCount * result.columnCount;
  let compareHash = record.label !== null || (hashThreshold > 0 && total > hashThreshold);
  const resultIsHash = expected.length === 1 && isHashLine(expected[0]);
  if (resultIsHash) compareHash = true;
  const values = sortValues(record.sort, result.values, result.columnCount);
  if (compareHash) return checkHash(record, expected, values, resultIsHash, labels);
  return checkValues(record, expected, { ...result, values });
}

function checkHash(record: QueryRecord, expected: string[], values: string[], resultIsHash: boolean, labels: LabelMap): Check {
  const hash = hashValues(values);
  if (record.label !== null) {
    const known = labels.get(record.label);
    if (known === undefined) labels.set(record.label, hash);
    else if (known !== hash) return FAIL('hash', `label ${record.label}: ${hash}, earlier result ${known}`);
  }
  if (resultIsHash && expected[0] !== hash) return FAIL('hash', `expected ${expected[0]}, got ${hash}`);
  return { ok: true };
}

/** StringUtil::Split: empty pieces are dropped (`a\t\tb` is two values), all-empty keeps the input. */
function splitTabs(line: string): string[] {
  const pieces = line.split('\t').filter((p) => p.length > 0);
  return pieces.length > 0 ? pieces : [line];
}

/** Splits row-wise expected lines on tabs, as DuckDB does when they look row-wise. */
function expectedCells(expected: string[], columns: number, rowCount: number): string[] | Check {
  let rowWise = columns > 1 && expected.length === rowCount;
  if (!rowWise) rowWise = expected.every((v) => v.includes('\t'));
  if (!rowWise) {
    if (expected.length % columns !== 0) return FAIL('column-count', `${expected.length} expected values do not divide into ${columns} columns`);
    if (expected.length / columns !== rowCount) return FAIL('row-count', `expected ${expected.length / columns} rows, got ${rowCount}`);
    return expected;
  }
  if (expected.length !== rowCount) return FAIL('row-count', `expected ${expected.length} rows, got ${rowCount}`);
  const cells: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const splits = splitTabs(expected[i]);
    if (splits.length !== columns) return FAIL('column-count', `expected row ${i + 1} has ${splits.length} values, result has ${columns} columns`);
    cells.push(...splits);
  }
  return cells;
}

function checkValues(record: QueryRecord, expected: string[], result: RenderedResult): Check {
  const columns = result.columnCount;
  const countMismatch = record.columnCount !== columns;
  if (columns === 0) return FAIL('column-count', 'the statement returned no result columns');
  const cells = expectedCells(expected, columns, result.rowCount);
  if (!Array.isArray(cells)) return countMismatch ? FAIL('column-count', `expected ${record.columnCount} columns, got ${columns}`) : cells;
  for (let i = 0; i < result.values.length && i < cells.length; i++) {
    const got = result.values[i];
    const want = cells[i];
    if (got === want) continue;
    if (isRegex(want) && regexMatches(got, want)) continue;
    if (valuesEquivalent(got, want, result.kinds[i % columns])) continue;
    return FAIL('mismatch', `row ${Math.floor(i / columns) + 1}, column ${(i % columns) + 1}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (countMismatch) return FAIL('column-count', `values match but expected ${record.columnCount} columns, got ${columns}`);
  return { ok: true };
}

/** A statement's error as DuckDB could have printed it: one text per candidate class. */
export interface StatementError {
  texts: string[];
  /** The error as received, for reports. */
  display: string;
}

const INTERNAL_ERRORS = ['differs from original result!', 'INTERNAL'];

export type StatementCheck =
  | { ok: true }
  | { ok: false; kind: 'unexpected-error' | 'unexpected-success' | 'internal-error' | 'error-message'; message: string };

function errorMatches(texts: string[], expected: string): boolean {
  return texts.some((t) => t.includes(expected) || (isRegex(expected) && regexMatches(`${t}\n`, expected)));
}

export function checkStatement(record: StatementRecord, expectedError: string, error: StatementError | null): StatementCheck {
  if (record.expect === 'ok') {
    return error === null ? { ok: true } : { ok: false, kind: 'unexpected-error', message: error.display };
  }
  if (error !== null && INTERNAL_ERRORS.some((m) => error.texts[error.texts.length - 1].includes(m))) {
    return { ok: false, kind: 'internal-error', message: error.display };
  }
  if (error !== null && expectedError.length > 0 && !errorMatches(error.texts, expectedError)) {
    return { ok: false, kind: 'error-message', message: `expected error ${JSON.stringify(expectedError)}, got ${JSON.stringify(error.display)}` };
  }
  if (record.expect === 'error' && error === null) return { ok: false, kind: 'unexpected-success', message: 'statement succeeded, an error was expected' };
  return { ok: true };
}
