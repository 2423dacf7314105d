/**
 * Text writers for dates, times, timestamps and intervals (PostgreSQL ISO DateStyle,
 * IntervalStyle postgres). `iso` selects the form PostgreSQL's to_json uses inside JSON:
 * a 'T' between date and time and an offset that always has minutes.
 */
import type { DuckDBVector } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import { CH_COLON, write2, writeAscii } from './ascii.js';
import type { Binder } from './bound.js';
import {
  lastDateIsBC, splitMicros, splitMicrosBig, writeBC, writeDate, writeOffset, writeSplitTimestamp, writeTimeOfDay,
} from './datetime.js';
import { writeInterval } from './interval.js';
import { bytesOf, int64ToNumber, int64Words, itemsOf, validityBits } from './raw.js';
import { int64Big } from './text-scalars.js';
import { ZoneOffsets } from './tz.js';

/** Storage unit of a DuckDB timestamp or time vector: microseconds per unit (s, ms, us); ns is negative (1000 units per microsecond). */
export const Unit = { s: 1_000_000, ms: 1_000, us: 1, ns: -1_000 } as const;
export type Unit = (typeof Unit)[keyof typeof Unit];

const DATE_INFINITY = 2147483647;

export const dateText: Binder = (vector) => {
  const items = itemsOf(vector, Int32Array);
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      w.ensure(20);
      const days = items[row];
      if (days === DATE_INFINITY || days === -DATE_INFINITY) {
        w.pos = writeAscii(w.buf, w.pos, days > 0 ? 'infinity' : '-infinity');
        return;
      }
      w.pos = writeDate(w.buf, w.pos, days);
      if (lastDateIsBC()) w.pos = writeBC(w.buf, w.pos);
    },
  };
};

/**
 * The value at `row` of an int64 timestamp vector in microseconds since 1970: a number when
 * exact, a bigint otherwise, ±Infinity for DuckDB's infinities (±INT64_MAX).
 */
export function microsAt(words: Int32Array, row: number, unit: Unit): number | bigint {
  const lo = words[row << 1];
  const hi = words[(row << 1) + 1];
  if (hi === 0x7fffffff && lo === -1) return Infinity;
  if (hi === -0x80000000 && lo === 1) return -Infinity;
  const n = int64ToNumber(lo, hi);
  if (n === n) {
    if (unit === Unit.us) return n;
    if (unit === Unit.ns) {
      let q = Math.floor(n / 1000);
      if (q * 1000 > n) q--;
      return q;
    }
    const scaled = n * unit;
    if (Number.isSafeInteger(scaled)) return scaled;
  }
  const big = int64Big(lo, hi, false);
  if (unit === Unit.ns) return floorDiv(big, 1000n);
  return big * BigInt(unit);
}

/** 2^32 mod 1000, to take an int64's residue mod 1000 from its two 32-bit words. */
const TWO_POW_32_MOD_1000 = 296;

/**
 * The nanoseconds (0-999) of a TIMESTAMP_NS / TIME_NS value below the microseconds microsAt
 * returns (floor), computed from the words without a BigInt.
 */
export function subMicroNanosAt(words: Int32Array, row: number): number {
  const lo = words[row << 1] >>> 0;
  const hi = words[(row << 1) + 1];
  const r = ((hi % 1000) * TWO_POW_32_MOD_1000 + (lo % 1000)) % 1000;
  return r < 0 ? r + 1000 : r;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/**
 * Writes a timestamp (zone === null) or a timestamptz in `zone`; `nanos` (0-999) below `us`
 * come from TIMESTAMP_NS. Needs at most 64 bytes.
 */
export function writeTimestamp(w: BufferWriter, us: number | bigint, zone: ZoneOffsets | null, iso: boolean, nanos = 0): void {
  w.ensure(64);
  if (us === Infinity || us === -Infinity) {
    w.pos = writeAscii(w.buf, w.pos, us > 0 ? 'infinity' : '-infinity');
    return;
  }
  let offset = 0;
  if (zone !== null && !zone.isUtc) {
    offset = zone.offsetAt(typeof us === 'number' ? Math.floor(us / 1e6) : Number(floorDiv(us, 1_000_000n)));
    us = typeof us === 'number' ? us + offset * 1e6 : us + BigInt(offset) * 1_000_000n;
  }
  if (typeof us === 'number' && us <= Number.MAX_SAFE_INTEGER && us >= -Number.MAX_SAFE_INTEGER) splitMicros(us);
  else splitMicrosBig(BigInt(us));
  const buf = w.buf;
  let pos = writeSplitTimestamp(buf, w.pos, iso, nanos);
  const bc = lastDateIsBC();
  if (zone !== null) pos = iso ? writeIsoOffset(buf, pos, offset) : writeOffset(buf, pos, offset);
  w.pos = bc ? writeBC(buf, pos) : pos;
}

function writeIsoOffset(buf: Uint8Array, pos: number, offset: number): number {
  const end = writeOffset(buf, pos, offset);
  if (end - pos > 3) return end;
  buf[end] = CH_COLON;
  return write2(buf, end + 1, 0);
}

/** TIMESTAMP_NS keeps its nanosecond digits in text (docs/types.md); the binary form cannot. */
export function timestampText(unit: Unit, zone: ZoneOffsets | null, iso: boolean): Binder {
  const ns = unit === Unit.ns;
  return (vector) => {
    const words = int64Words(itemsOf(vector, BigInt64Array));
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        writeTimestamp(w, microsAt(words, row, unit), zone, iso, ns ? subMicroNanosAt(words, row) : 0);
      },
    };
  };
}

/** TIME (µs) and TIME_NS: hours:minutes:seconds with the fraction trimmed, up to 9 digits for TIME_NS. */
export function timeText(unit: Unit): Binder {
  const ns = unit === Unit.ns;
  return (vector) => {
    const words = int64Words(itemsOf(vector, BigInt64Array));
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        w.ensure(20);
        w.pos = writeTimeOfDay(w.buf, w.pos, microsAt(words, row, unit) as number, ns ? subMicroNanosAt(words, row) : 0);
      },
    };
  };
}

/** The 40-bit microseconds and the offset (seconds east) packed in a DuckDB TIMETZ. */
export const timetz = { micros: 0, offset: 0 };
const TIMETZ_MAX_OFFSET = 57599;

export function readTimeTz(words: Int32Array, row: number): void {
  const lo = words[row << 1] >>> 0;
  const hi = words[(row << 1) + 1] >>> 0;
  timetz.micros = hi * 256 + (lo >>> 24);
  timetz.offset = TIMETZ_MAX_OFFSET - (lo & 0xffffff);
}

export const timetzText: Binder = (vector) => {
  const words = int64Words(itemsOf(vector, BigUint64Array));
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      readTimeTz(words, row);
      w.ensure(28);
      w.pos = writeOffset(w.buf, writeTimeOfDay(w.buf, w.pos, timetz.micros), timetz.offset);
    },
  };
};

/** Interval storage: int32 months, int32 days, int64 micros, per 16-byte row. */
export function intervalWords(vector: DuckDBVector): Int32Array {
  const bytes = bytesOf(vector);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
}

export function intervalMicros(words: Int32Array, row: number): number | bigint {
  const lo = words[(row << 2) + 2];
  const hi = words[(row << 2) + 3];
  const n = int64ToNumber(lo, hi);
  return n === n ? n : int64Big(lo, hi, false);
}

export const intervalText: Binder = (vector) => {
  const words = intervalWords(vector);
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      w.ensure(96);
      w.pos = writeInterval(w.buf, w.pos, words[row << 2], words[(row << 2) + 1], intervalMicros(words, row));
    },
  };
};
