/**
 * Interval text in IntervalStyle 'postgres' (the default): `1 year 2 mons 3 days 04:05:06.5`,
 * `-1 days +02:00:00`, `00:00:00`. Follows EncodeInterval / AddPostgresIntPart in
 * src/backend/utils/adt/datetime.c of PostgreSQL 15: C integer division (truncation), each
 * non-zero part printed with its own sign, a '+' before a positive part that follows a
 * negative one, and the time part printed when it is non-zero or when nothing else was.
 * https://www.postgresql.org/docs/15/datatype-datetime.html#DATATYPE-INTERVAL-OUTPUT
 */
import { CH_COLON, CH_MINUS, CH_PLUS, CH_SPACE, write2, writeAscii, writeInt, writeMicrosFraction, writeUintPadded } from './ascii.js';

const US_PER_HOUR = 3_600_000_000;
const US_PER_MINUTE = 60_000_000;
const US_PER_SECOND = 1_000_000;

interface PartState {
  pos: number;
  zero: boolean;
  before: boolean;
}

const state: PartState = { pos: 0, zero: true, before: false };

function addPart(buf: Uint8Array, value: number, unit: string): void {
  if (value === 0) return;
  let pos = state.pos;
  if (!state.zero) buf[pos++] = CH_SPACE;
  if (state.before && value > 0) buf[pos++] = CH_PLUS;
  pos = writeInt(buf, pos, value);
  buf[pos++] = CH_SPACE;
  pos = writeAscii(buf, pos, unit);
  if (value !== 1) buf[pos++] = 115; // s
  state.pos = pos;
  state.before = value < 0;
  state.zero = false;
}

/**
 * Writes an interval whose microseconds are given exactly either as a number (|us| < 2^53)
 * or as a bigint; returns the new position. Needs at most 80 bytes.
 */
export function writeInterval(buf: Uint8Array, pos: number, months: number, days: number, micros: number | bigint): number {
  state.pos = pos;
  state.zero = true;
  state.before = false;
  const years = Math.trunc(months / 12);
  addPart(buf, years, 'year');
  addPart(buf, months - years * 12, 'mon');
  addPart(buf, days, 'day');
  if (!state.zero && (micros === 0 || micros === 0n)) return state.pos;
  pos = state.pos;
  const negative = micros < 0;
  if (!state.zero) buf[pos++] = CH_SPACE;
  if (negative) buf[pos++] = CH_MINUS;
  else if (state.before) buf[pos++] = CH_PLUS;
  let hours: number;
  let rest: number;
  if (typeof micros === 'bigint') {
    const abs = negative ? -micros : micros;
    hours = Number(abs / 3_600_000_000n);
    rest = Number(abs % 3_600_000_000n);
  } else {
    const abs = negative ? -micros : micros;
    hours = Math.floor(abs / US_PER_HOUR);
    rest = abs - hours * US_PER_HOUR;
    // The division can round up near 2^53.
    if (rest < 0) {
      hours--;
      rest += US_PER_HOUR;
    }
  }
  const minutes = Math.floor(rest / US_PER_MINUTE);
  rest -= minutes * US_PER_MINUTE;
  const seconds = Math.floor(rest / US_PER_SECOND);
  const frac = rest - seconds * US_PER_SECOND;
  pos = writeUintPadded(buf, pos, hours, 2);
  buf[pos++] = CH_COLON;
  pos = write2(buf, pos, minutes);
  buf[pos++] = CH_COLON;
  pos = write2(buf, pos, seconds);
  return frac === 0 ? pos : writeMicrosFraction(buf, pos, frac);
}
