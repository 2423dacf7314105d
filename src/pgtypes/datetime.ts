/**
 * Date and time text in PostgreSQL's ISO DateStyle: `2026-01-01`, `04:05:06.5`,
 * `2026-01-01 04:05:06.5`, years before 1 AD as `0044-03-15 BC`. Dates are proleptic
 * Gregorian in both DuckDB and PostgreSQL. See EncodeDateOnly / EncodeDateTime /
 * EncodeTimezone in src/backend/utils/adt/datetime.c.
 * https://www.postgresql.org/docs/15/datatype-datetime.html#DATATYPE-DATETIME-OUTPUT
 */
import { CH_COLON, CH_DOT, CH_MINUS, CH_PLUS, CH_SPACE, write2, writeMicrosFraction, writeUint, writeUintPadded } from './ascii.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;
export const SECONDS_PER_DAY = 86_400;
/** Days from 1970-01-01 (DuckDB's epoch) to 2000-01-01 (PostgreSQL's). */
export const PG_EPOCH_DAYS = 10_957;
export const PG_EPOCH_MICROS = 946_684_800_000_000n;

/** Civil date of a day count since 1970-01-01 (H. Hinnant's days_from_civil inverse). */
export const civil = { year: 0, month: 0, day: 0 };

export function civilFromDays(days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  civil.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  civil.month = month;
  civil.day = day;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Writes YYYY-MM-DD for a day count and returns the new position. Years <= 0 are printed as
 * their BC number (1 - year); the caller appends " BC" after the whole value (isBC()).
 */
export function writeDate(buf: Uint8Array, pos: number, days: number): number {
  civilFromDays(days);
  const y = civil.year > 0 ? civil.year : 1 - civil.year;
  pos = y < 10000 ? write2(buf, write2(buf, pos, Math.floor(y / 100)), y % 100) : writeUint(buf, pos, y);
  buf[pos++] = CH_MINUS;
  pos = write2(buf, pos, civil.month);
  buf[pos++] = CH_MINUS;
  return write2(buf, pos, civil.day);
}

/** Whether the date last written by writeDate / civilFromDays is before 1 AD. */
export function lastDateIsBC(): boolean {
  return civil.year <= 0;
}

export function writeBC(buf: Uint8Array, pos: number): number {
  buf[pos] = CH_SPACE;
  buf[pos + 1] = 66; // B
  buf[pos + 2] = 67; // C
  return pos + 3;
}

/**
 * Writes HH:MM:SS[.ffffff] for microseconds since midnight (0 <= us <= 24h). Hours may exceed
 * 23 only for 24:00:00, which both systems allow in TIME. `nanos` (0-999) are the
 * nanoseconds below `us` of DuckDB's TIME_NS / TIMESTAMP_NS: the fraction then has up to 9
 * digits (see docs/types.md).
 */
export function writeTimeOfDay(buf: Uint8Array, pos: number, us: number, nanos = 0): number {
  let secs = Math.floor(us / MICROS_PER_SECOND);
  const frac = us - secs * MICROS_PER_SECOND;
  const h = Math.floor(secs / 3600);
  secs -= h * 3600;
  const m = Math.floor(secs / 60);
  pos = write2(buf, pos, h);
  buf[pos++] = CH_COLON;
  pos = write2(buf, pos, m);
  buf[pos++] = CH_COLON;
  pos = write2(buf, pos, secs - m * 60);
  if (nanos !== 0) return writeNanosFraction(buf, pos, frac * 1000 + nanos);
  return frac === 0 ? pos : writeMicrosFraction(buf, pos, frac);
}

/** `.fffffffff` for 1 <= ns < 1e9, trailing zeros dropped (DuckDB's and PostgreSQL's habit). */
function writeNanosFraction(buf: Uint8Array, pos: number, ns: number): number {
  let digits = 9;
  while (ns % 10 === 0) {
    ns /= 10;
    digits--;
  }
  buf[pos++] = CH_DOT;
  const end = pos + digits;
  for (let p = end - 1; p >= pos; p--) {
    const q = Math.floor(ns / 10);
    buf[p] = 48 + (ns - q * 10);
    ns = q;
  }
  return end;
}

/**
 * Writes a UTC offset in seconds east of Greenwich as PostgreSQL does: +HH, +HH:MM or
 * +HH:MM:SS, omitting zero trailing fields.
 */
export function writeOffset(buf: Uint8Array, pos: number, offsetSeconds: number): number {
  buf[pos++] = offsetSeconds < 0 ? CH_MINUS : CH_PLUS;
  let a = offsetSeconds < 0 ? -offsetSeconds : offsetSeconds;
  const h = Math.floor(a / 3600);
  a -= h * 3600;
  const m = Math.floor(a / 60);
  const s = a - m * 60;
  pos = writeUintPadded(buf, pos, h, 2);
  if (m === 0 && s === 0) return pos;
  buf[pos++] = CH_COLON;
  pos = write2(buf, pos, m);
  if (s === 0) return pos;
  buf[pos++] = CH_COLON;
  return write2(buf, pos, s);
}

/** Splits exact microseconds since 1970 (|us| < 2^53) into days and microseconds of the day. */
export const split = { days: 0, micros: 0 };

export function splitMicros(us: number): void {
  let days = Math.floor(us / MICROS_PER_DAY);
  let rest = us - days * MICROS_PER_DAY;
  // The division may round across a day boundary for values near 2^53.
  if (rest < 0) {
    days--;
    rest += MICROS_PER_DAY;
  } else if (rest >= MICROS_PER_DAY) {
    days++;
    rest -= MICROS_PER_DAY;
  }
  split.days = days;
  split.micros = rest;
}

/** The same split for any int64 microsecond count, through BigInt (outside ±285 years of 1970). */
export function splitMicrosBig(us: bigint): void {
  const day = 86_400_000_000n;
  let days = us / day;
  let rest = us % day;
  if (rest < 0n) {
    days -= 1n;
    rest += day;
  }
  split.days = Number(days);
  split.micros = Number(rest);
}

/** Writes `YYYY-MM-DD HH:MM:SS[.f]` (or with 'T' when iso) for the current `split` and `nanos` below it; returns pos. */
export function writeSplitTimestamp(buf: Uint8Array, pos: number, iso: boolean, nanos = 0): number {
  pos = writeDate(buf, pos, split.days);
  buf[pos++] = iso ? 84 : CH_SPACE;
  return writeTimeOfDay(buf, pos, split.micros, nanos);
}
