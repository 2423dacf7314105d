/**
 * PostgreSQL text forms of scalar values → DuckDB's VARCHAR rendering of the same value,
 * which is what DuckDB's sqllogictest runner compares (Value::CastAs(VARCHAR)).
 * Every rule here is exact (lossless) or throws UnconvertibleValue.
 */
import { duckFloatDigits } from './duck-float.js';

/** A PostgreSQL text value that has no DuckDB rendering this converter can derive. */
export class UnconvertibleValue extends Error {
  override name = 'UnconvertibleValue';
}

/** Type OIDs of PostgreSQL 15 (pg_type.dat) that need a conversion. */
export const PgOid = {
  bool: 16, bytea: 17, float4: 700, float8: 701, date: 1082, timestamp: 1114, timestamptz: 1184, interval: 1186,
} as const;

/**
 * A PostgreSQL float8/float4 text (round-trip exact) → DuckDB's rendering of the same value:
 * DuckDB's digits (duck-float.ts) laid out by Python's repr rule, fixed notation with a
 * trailing `.0` for decimal exponents -4 ≤ e < 16, scientific `1e+16` otherwise.
 */
export function floatToDuck(pgText: string, single: boolean): string {
  if (pgText === 'NaN') return 'nan';
  if (pgText === 'Infinity') return 'inf';
  if (pgText === '-Infinity') return '-inf';
  if (!/^-?\d+(?:\.\d+)?(?:e[+-]\d+)?$/.test(pgText)) throw new UnconvertibleValue(`not a PostgreSQL float: ${pgText}`);
  const parsed = Number(pgText);
  const value = single ? Math.fround(parsed) : parsed;
  const sign = pgText.startsWith('-') ? '-' : '';
  if (value === 0) return `${sign}0.0`;
  const { digits, decpt } = duckFloatDigits(Math.abs(value), single);
  return sign + layoutRepr(digits, decpt);
}

/** `digits` × 10^(decpt - digits.length), laid out like Python's float repr. */
function layoutRepr(digits: string, decpt: number): string {
  if (decpt > 16 || decpt <= -4) {
    const e = decpt - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exp = String(Math.abs(e)).padStart(2, '0');
    return `${mantissa}e${e < 0 ? '-' : '+'}${exp}`;
  }
  if (decpt <= 0) return `0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** `0001-12-31 BC` → `0001-12-31 (BC)`; `… 00:00:00+00 BC` → `… (BC) 00:00:00+00`. */
export function dateTimeToDuck(pgText: string): string {
  if (!pgText.endsWith(' BC')) return pgText;
  const body = pgText.slice(0, -3);
  const space = body.indexOf(' ');
  return space < 0 ? `${body} (BC)` : `${body.slice(0, space)} (BC)${body.slice(space)}`;
}

/**
 * timestamptz: DuckDB (ICU) prints the zone offset to the minute, so local mean time offsets
 * such as -07:52:58 print as -07:52 (the local time shown is the same).
 */
export function timestamptzToDuck(pgText: string): string {
  return dateTimeToDuck(pgText.replace(/([+-]\d\d:\d\d):\d\d((?: BC)?)$/, '$1$2'));
}

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_MINUTE = 60_000_000n;
const MICROS_PER_SECOND = 1_000_000n;

interface Interval { months: number; days: number; micros: bigint }

/** Parses PostgreSQL's IntervalStyle=postgres output (`-1 years +2 mons 3 days -04:05:06.5`). */
export function parsePgInterval(pgText: string): Interval {
  const interval: Interval = { months: 0, days: 0, micros: 0n };
  const re = /\s*(?:([+-]?\d+) (years?|mons?|days?)|([+-])?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?)(?=\s|$)/y;
  let pos = 0;
  while (pos < pgText.length) {
    re.lastIndex = pos;
    const m = re.exec(pgText);
    if (m === null) throw new UnconvertibleValue(`not a PostgreSQL interval: ${pgText}`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const n = Number(m[1]);
      if (m[2].startsWith('year')) interval.months += n * 12;
      else if (m[2].startsWith('mon')) interval.months += n;
      else interval.days += n;
      continue;
    }
    const frac = BigInt((m[7] ?? '').padEnd(6, '0') || '0');
    const abs = BigInt(m[4]) * MICROS_PER_HOUR + BigInt(m[5]) * MICROS_PER_MINUTE + BigInt(m[6]) * MICROS_PER_SECOND + frac;
    interval.micros = m[3] === '-' ? -abs : abs;
  }
  return interval;
}

function unit(n: number, name: string): string {
  return `${n} ${name}${n === 1 || n === -1 ? '' : 's'}`;
}

/** DuckDB's IntervalToStringCast: `1 year 2 months 3 days 04:05:06.5`, `00:00:00` when zero. */
export function intervalToDuck(pgText: string): string {
  const { months, days, micros } = parsePgInterval(pgText);
  const parts: string[] = [];
  const years = Math.trunc(months / 12);
  const restMonths = months - years * 12;
  if (years !== 0) parts.push(unit(years, 'year'));
  if (restMonths !== 0) parts.push(unit(restMonths, 'month'));
  if (days !== 0) parts.push(unit(days, 'day'));
  if (micros !== 0n || parts.length === 0) parts.push(timeOfInterval(micros));
  return parts.join(' ');
}

function timeOfInterval(micros: bigint): string {
  const negative = micros < 0n;
  let rest = negative ? -micros : micros;
  const hours = rest / MICROS_PER_HOUR;
  rest %= MICROS_PER_HOUR;
  const minutes = rest / MICROS_PER_MINUTE;
  rest %= MICROS_PER_MINUTE;
  const seconds = rest / MICROS_PER_SECOND;
  const fraction = rest % MICROS_PER_SECOND;
  const two = (n: bigint): string => String(n).padStart(2, '0');
  let text = `${negative ? '-' : ''}${two(hours)}:${two(minutes)}:${two(seconds)}`;
  if (fraction !== 0n) text += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
  return text;
}

/** bytea hex (`\x00410a`) → DuckDB's BLOB rendering: printable ASCII but quotes and backslash as is, else `\xHH`. */
export function byteaToDuck(pgText: string): string {
  if (!/^\\x(?:[0-9a-f]{2})*$/.test(pgText)) throw new UnconvertibleValue(`not bytea hex output: ${pgText}`);
  let out = '';
  for (let i = 2; i < pgText.length; i += 2) {
    const byte = Number.parseInt(pgText.slice(i, i + 2), 16);
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x5c && byte !== 0x27 && byte !== 0x22;
    out += printable ? String.fromCharCode(byte) : `\\x${pgText.slice(i, i + 2).toUpperCase()}`;
  }
  return out;
}

/**
 * One non-null scalar's DuckDB rendering from its PostgreSQL text form and type OID. Types
 * whose text forms already agree (integers, numeric, text, uuid, time, timetz, varbit, json)
 * pass through. `nested` selects DuckDB's rendering inside lists and structs, where a
 * boolean prints as true/false (the runner prints top-level booleans as 1/0).
 */
export function scalarToDuck(pgText: string, oid: number, nested: boolean): string {
  switch (oid) {
    case PgOid.bool:
      if (pgText !== 't' && pgText !== 'f') throw new UnconvertibleValue(`not a PostgreSQL boolean: ${pgText}`);
      return nested ? (pgText === 't' ? 'true' : 'false') : (pgText === 't' ? '1' : '0');
    case PgOid.float4: return floatToDuck(pgText, true);
    case PgOid.float8: return floatToDuck(pgText, false);
    case PgOid.date:
    case PgOid.timestamp: return dateTimeToDuck(pgText);
    case PgOid.timestamptz: return timestamptzToDuck(pgText);
    case PgOid.interval: return intervalToDuck(pgText);
    case PgOid.bytea: return byteaToDuck(pgText);
    default: return pgText;
  }
}
