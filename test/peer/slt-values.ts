/**
 * Value-level rules of DuckDB's TestResultHelper (result_helper.cpp): sorting, the MD5 hash
 * of a result, regex values, and CompareValues' fallbacks for numeric and boolean columns
 * (Value::ValuesAreEqual: floats within 1% + 1e-8, exact equality after a cast otherwise).
 */
import { createHash } from 'node:crypto';
import type { SortStyle } from './slt-parser.js';

/** How CompareValues treats a column when the strings differ. */
export type ColumnKind =
  | { t: 'integer' }
  | { t: 'decimal'; scale: number }
  | { t: 'float' }
  | { t: 'double' }
  | { t: 'boolean' }
  | { t: 'other' };

/** std::sort of strings compares bytes; JS compares UTF-16 code units. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sortValues(style: SortStyle, values: string[], columns: number): string[] {
  if (style === 'none') return values;
  if (style === 'value') return [...values].sort(byteCompare);
  if (values.length % columns !== 0) throw new Error(`Failed to sort query result - result is not aligned. Found ${values.length} rows with ${columns} columns`);
  const rows: string[][] = [];
  for (let i = 0; i < values.length; i += columns) rows.push(values.slice(i, i + columns));
  rows.sort((a, b) => {
    for (let c = 0; c < a.length; c++) if (a[c] !== b[c]) return byteCompare(a[c], b[c]);
    return 0;
  });
  return rows.flat();
}

/** `N values hashing to <md5 of each value followed by \n>`. */
export function hashValues(values: string[]): string {
  const md5 = createHash('md5');
  for (const v of values) md5.update(`${v}\n`, 'utf8');
  return `${values.length} values hashing to ${md5.digest('hex')}`;
}

export function isHashLine(line: string): boolean {
  return /^\d+ values hashing to [0-9a-z]{32}$/.test(line);
}

/** `<REGEX>:` / `<!REGEX>:` values, full match with `.` matching newlines (RE2 dot_nl). */
export function regexMatches(text: string, pattern: string): boolean {
  const want = pattern.startsWith('<REGEX>:');
  const source = pattern.replaceAll('<REGEX>:', '').replaceAll('<!REGEX>:', '');
  const matches = new RegExp(`^(?:${source})$`, 's').test(text);
  return matches === want;
}

export function isRegex(expected: string): boolean {
  return expected.startsWith('<REGEX>:') || expected.startsWith('<!REGEX>:');
}

/**
 * DuckDB's VARCHAR → integer/DECIMAL cast on a test value: optional sign, digits, fraction,
 * exponent, surrounding spaces; rounded half away from zero to `scale` digits. Returns the
 * scaled integer, or null when the text is not a number.
 */
export function parseScaled(text: string, scale: number): bigint | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const [, sign, intPart, frac = '', expText = '0'] = m;
  const shift = Number(expText) + scale - frac.length;
  let digits = BigInt(intPart + frac || '0');
  if (shift >= 0) digits *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const rest = digits % divisor;
    digits /= divisor;
    if (rest * 2n >= divisor) digits += 1n;
  }
  return sign === '-' ? -digits : digits;
}

/** DuckDB's string → DOUBLE cast for the forms test files use (inf/nan spelled any case). */
export function parseFloatLike(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '-nan' || t === '+nan') return Number.NaN;
  if (/^[+]?inf(inity)?$/.test(t)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(t)) return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/** ApproxEqual(expected, result): |expected - result| ≤ |result| × 0.01 + 1e-8. */
function approxEqual(expected: number, result: number, single: boolean): boolean {
  if (Number.isNaN(expected) && Number.isNaN(result)) return true;
  if (!Number.isFinite(expected) || !Number.isFinite(result)) return expected === result;
  const round = single ? Math.fround : (x: number): number => x;
  const epsilon = round(Math.abs(result) * 0.01 + 0.00000001);
  return Math.abs(round(expected - result)) <= epsilon;
}

function booleanOf(text: string): number | null {
  const low = text.toLowerCase();
  if (low === 'true' || text === '1') return 1;
  if (low === 'false' || text === '0') return 0;
  return null;
}

/** CompareValues after the plain string comparison failed. */
export function valuesEquivalent(result: string, expected: string, kind: ColumnKind): boolean {
  if (kind.t === 'boolean') return booleanOf(result) === booleanOf(expected);
  if (kind.t === 'other') return false;
  if (result === 'NULL' || expected === 'NULL') return result === expected;
  if (kind.t === 'float' || kind.t === 'double') {
    const single = kind.t === 'float';
    const r = parseFloatLike(result);
    const e = parseFloatLike(expected);
    if (r === null || e === null) return false;
    return approxEqual(single ? Math.fround(e) : e, single ? Math.fround(r) : r, single);
  }
  // An integer column's own values never have a fraction; numeric without typmod is HUGEINT & co.
  if (kind.t === 'integer' && !/^-?\d+$/.test(result)) return false;
  const scale = kind.t === 'decimal' ? kind.scale : 0;
  const r = parseScaled(result, scale);
  const e = parseScaled(expected, scale);
  return r !== null && e !== null && r === e;
}
