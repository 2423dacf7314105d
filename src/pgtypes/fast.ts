/**
 * Hand-specialised text encoders for the column types that dominate telemetry results (ints,
 * doubles, VARCHAR, timestamps, booleans). They do what the generic path does (bound.ts +
 * encode.ts lengthPrefixed) with the length word written directly, no per-value calls
 * through a Bound object, and per-type shortcuts: a day cache for timestamps, a digit-loop
 * for doubles with few decimals. Output is identical; test/unit/pgtypes/fast.test.ts checks
 * each against the generic writer.
 */
import { DuckDBTypeId, type DuckDBType, type DuckDBVector } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import { digitCount, writeUint, writeUintDigits } from './ascii.js';
import { civil, civilFromDays, MICROS_PER_DAY, writeOffset, writeTimeOfDay } from './datetime.js';
import type { ColumnEncoder } from './encode.js';
import { float8Text } from './float.js';
import { bytesOf, int64ToNumber, int64Words, itemsOf, validityBits } from './raw.js';
import { copyLocated, StringVectorReader, WriterView } from './strings.js';
import { textBinder } from './text.js';
import type { ZoneOffsets } from './tz.js';

function writeLength(buf: Uint8Array, pos: number, len: number): void {
  buf[pos] = len >>> 24;
  buf[pos + 1] = (len >>> 16) & 0xff;
  buf[pos + 2] = (len >>> 8) & 0xff;
  buf[pos + 3] = len & 0xff;
}

function writeNull(w: BufferWriter): void {
  w.ensure(4);
  const buf = w.buf;
  const pos = w.pos;
  buf[pos] = 0xff;
  buf[pos + 1] = 0xff;
  buf[pos + 2] = 0xff;
  buf[pos + 3] = 0xff;
  w.pos = pos + 4;
}

/** Writes a length-prefixed signed integer (|n| < 2^53). */
function writeIntValue(w: BufferWriter, n: number): void {
  w.ensure(24);
  const buf = w.buf;
  const pos = w.pos;
  const negative = n < 0;
  const abs = negative ? -n : n;
  const digits = digitCount(abs);
  const len = negative ? digits + 1 : digits;
  buf[pos] = 0;
  buf[pos + 1] = 0;
  buf[pos + 2] = 0;
  buf[pos + 3] = len;
  if (negative) buf[pos + 4] = 45;
  writeUintDigits(buf, pos + 4 + len - digits, abs, digits);
  w.pos = pos + 4 + len;
}

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type IntArrayCtor = { new (...args: never[]): IntArray; readonly name: string };

function smallInt(ctor: IntArrayCtor): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let items: IntArray = new Int32Array(0);
  let valid: Uint8Array | null = null;
  return (vector, row, w) => {
    if (vector !== last) {
      items = itemsOf(vector, ctor);
      valid = validityBits(vector);
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) writeNull(w);
    else writeIntValue(w, items[row]);
  };
}

function writeAsciiValue(w: BufferWriter, s: string): void {
  w.ensure(4 + s.length);
  const buf = w.buf;
  const pos = w.pos;
  writeLength(buf, pos, s.length);
  for (let i = 0; i < s.length; i++) buf[pos + 4 + i] = s.charCodeAt(i);
  w.pos = pos + 4 + s.length;
}

function bigint(): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let words: Int32Array = new Int32Array(0);
  let valid: Uint8Array | null = null;
  return (vector, row, w) => {
    if (vector !== last) {
      words = int64Words(itemsOf(vector, BigInt64Array));
      valid = validityBits(vector);
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) return writeNull(w);
    const lo = words[row << 1];
    const hi = words[(row << 1) + 1];
    const n = int64ToNumber(lo, hi);
    if (n === n) writeIntValue(w, n);
    else writeAsciiValue(w, BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString());
  };
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * A double with at most 6 decimals and |v| in [1e-4, 1e9): m / 10^k round-trips for the
 * smallest such k, which makes it the shortest representation, printed without String(v).
 */
function writeDoubleValue(w: BufferWriter, v: number): void {
  const abs = v < 0 ? -v : v;
  if (abs >= 1e-4 && abs < 1e9) {
    for (let k = 0; k <= 6; k++) {
      const p = POW10[k];
      const m = Math.round(abs * p);
      if (m / p !== abs) continue;
      if (k === 0) return writeIntValue(w, v);
      w.ensure(32);
      const buf = w.buf;
      const start = w.pos;
      let pos = start + 4;
      if (v < 0) buf[pos++] = 45;
      const intPart = Math.floor(m / p);
      pos = writeUint(buf, pos, intPart);
      buf[pos++] = 46;
      let frac = m - intPart * p;
      for (let i = pos + k - 1; i >= pos; i--) {
        const q = Math.floor(frac / 10);
        buf[i] = 48 + frac - q * 10;
        frac = q;
      }
      pos += k;
      writeLength(buf, start, pos - start - 4);
      w.pos = pos;
      return;
    }
  }
  if (Number.isInteger(v) && abs < 1e15 && v !== 0) return writeIntValue(w, v);
  writeAsciiValue(w, float8Text(v));
}

function double(): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let items = new Float64Array(0);
  let valid: Uint8Array | null = null;
  return (vector, row, w) => {
    if (vector !== last) {
      items = itemsOf(vector, Float64Array);
      valid = validityBits(vector);
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) writeNull(w);
    else writeDoubleValue(w, items[row]);
  };
}

function varchar(): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let reader: StringVectorReader | undefined;
  let valid: Uint8Array | null = null;
  const out = new WriterView();
  return (vector, row, w) => {
    if (vector !== last) {
      reader = new StringVectorReader(vector);
      valid = reader.valid;
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) return writeNull(w);
    const len = reader!.locate(row);
    w.ensure(4 + len);
    const buf = w.buf;
    const pos = w.pos;
    writeLength(buf, pos, len);
    copyLocated(reader!, len, buf, out.of(buf), pos + 4);
    w.pos = pos + 4 + len;
  };
}

function boolean(): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let bytes: Uint8Array = new Uint8Array(0);
  let valid: Uint8Array | null = null;
  return (vector, row, w) => {
    if (vector !== last) {
      bytes = bytesOf(vector);
      valid = validityBits(vector);
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) return writeNull(w);
    w.ensure(5);
    const buf = w.buf;
    const pos = w.pos;
    buf[pos] = 0;
    buf[pos + 1] = 0;
    buf[pos + 2] = 0;
    buf[pos + 3] = 1;
    buf[pos + 4] = bytes[row] !== 0 ? 116 : 102;
    w.pos = pos + 5;
  };
}

/**
 * TIMESTAMP, and TIMESTAMPTZ in the session zone, for local years 1 to 9999 (the generic writer
 * handles BC, infinities and far years). The date text is cached per local day.
 */
function timestamp(zone: ZoneOffsets | null, generic: ColumnEncoder): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let words: Int32Array = new Int32Array(0);
  let valid: Uint8Array | null = null;
  let cachedDay = Number.NaN;
  const dayText = new Uint8Array(11);
  const MIN_US = -62135596800000000 + 86400000000; // 0001-01-02, clear of any offset
  const MAX_US = 253402300800000000 - 86400000000; // 9999-12-31
  const utc = zone === null || zone.isUtc;
  return (vector, row, w) => {
    if (vector !== last) {
      words = int64Words(itemsOf(vector, BigInt64Array));
      valid = validityBits(vector);
      last = vector;
    }
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) return writeNull(w);
    let us = int64ToNumber(words[row << 1], words[(row << 1) + 1]);
    if (!(us >= MIN_US && us < MAX_US)) return generic(vector, row, w);
    const offset = utc ? 0 : zone!.offsetAt(Math.floor(us / 1e6));
    us += offset * 1e6;
    let days = Math.floor(us / MICROS_PER_DAY);
    let rest = us - days * MICROS_PER_DAY;
    if (rest < 0) {
      days--;
      rest += MICROS_PER_DAY;
    }
    if (days !== cachedDay) {
      writeDayText(dayText, days);
      cachedDay = days;
    }
    w.ensure(48);
    const buf = w.buf;
    const start = w.pos;
    for (let i = 0; i < 11; i++) buf[start + 4 + i] = dayText[i];
    let pos = writeTimeOfDay(buf, start + 15, rest);
    if (zone !== null) pos = writeOffset(buf, pos, offset);
    writeLength(buf, start, pos - start - 4);
    w.pos = pos;
  };
}

/** "YYYY-MM-DD " for a day count of years 1..9999. */
function writeDayText(out: Uint8Array, days: number): void {
  civilFromDays(days);
  const y = civil.year;
  out[0] = 48 + Math.floor(y / 1000);
  out[1] = 48 + (Math.floor(y / 100) % 10);
  out[2] = 48 + (Math.floor(y / 10) % 10);
  out[3] = 48 + (y % 10);
  out[4] = 45;
  out[5] = 48 + Math.floor(civil.month / 10);
  out[6] = 48 + (civil.month % 10);
  out[7] = 45;
  out[8] = 48 + Math.floor(civil.day / 10);
  out[9] = 48 + (civil.day % 10);
  out[10] = 32;
}

/** Wraps the generic writer of `t` as a length-prefixed encoder (used as the slow path). */
function genericText(t: DuckDBType, zone: ZoneOffsets): ColumnEncoder {
  const binder = textBinder(t, zone);
  let last: DuckDBVector | undefined;
  let bound: ReturnType<typeof binder>;
  return (vector, row, w) => {
    if (vector !== last) {
      bound = binder(vector);
      last = vector;
    }
    const at = w.reserveLen();
    bound.write(row, w);
    w.patchLen(at);
  };
}

/** A specialised text encoder for `t`, or undefined when the generic path is the only one. */
export function fastTextEncoder(t: DuckDBType, zone: ZoneOffsets): ColumnEncoder | undefined {
  switch (t.typeId) {
    case DuckDBTypeId.TINYINT: return smallInt(Int8Array);
    case DuckDBTypeId.SMALLINT: return smallInt(Int16Array);
    case DuckDBTypeId.INTEGER: return smallInt(Int32Array);
    case DuckDBTypeId.UTINYINT: return smallInt(Uint8Array);
    case DuckDBTypeId.USMALLINT: return smallInt(Uint16Array);
    case DuckDBTypeId.UINTEGER: return smallInt(Uint32Array);
    case DuckDBTypeId.BIGINT: return bigint();
    case DuckDBTypeId.DOUBLE: return double();
    case DuckDBTypeId.VARCHAR: return varchar();
    case DuckDBTypeId.BOOLEAN: return boolean();
    case DuckDBTypeId.TIMESTAMP: return timestamp(null, genericText(t, zone));
    case DuckDBTypeId.TIMESTAMP_TZ: return timestamp(zone, genericText(t, zone));
    default: return undefined;
  }
}
