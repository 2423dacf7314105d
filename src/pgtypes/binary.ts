/**
 * Binary-format (format code 1) writers: the bytes of PostgreSQL's typsend functions for the
 * mapped type (int2send, float8send, numeric_send, timestamp_send, interval_send, uuid_send,
 * array_send, …). All integers are big-endian; dates and timestamps count from 2000-01-01.
 * https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-FORMAT-CODES
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import type { Binder } from './bound.js';
import { PG_EPOCH_DAYS } from './datetime.js';
import { absDigits, writeNumericBinary } from './numeric.js';
import { bytesOf, int64Words, itemsOf, validityBits } from './raw.js';
import { decimalByteWidth } from './scalar-text.js';
import { copyBytes, StringVectorReader } from './strings.js';
import { bignumValue, scaledReader, uuidBytes } from './text-scalars.js';
import { intervalMicros, intervalWords, microsAt, readTimeTz, timetz, Unit } from './text-time.js';

type NumArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type NumArrayCtor = { new (...args: never[]): NumArray; readonly name: string };

function int16Binary(ctor: NumArrayCtor): Binder {
  return (vector) => {
    const items = itemsOf(vector, ctor);
    return { valid: validityBits(vector), write: (row, w) => void w.i16(items[row]) };
  };
}

function int32Binary(ctor: NumArrayCtor): Binder {
  return (vector) => {
    const items = itemsOf(vector, ctor);
    return { valid: validityBits(vector), write: (row, w) => void w.i32(items[row]) };
  };
}

/** int8 from BIGINT words. */
const bigintBinary: Binder = (vector) => {
  const words = int64Words(itemsOf(vector, BigInt64Array));
  return { valid: validityBits(vector), write: (row, w) => writeWords(w, words[(row << 1) + 1], words[row << 1]) };
};

/** oid (unsigned 32 bits) from UINTEGER. */
const uintegerBinary: Binder = (vector) => {
  const items = itemsOf(vector, Uint32Array);
  return {
    valid: validityBits(vector),
    write(row, w) {
      w.ensure(4);
      w.buf.writeUInt32BE(items[row], w.pos);
      w.pos += 4;
    },
  };
};

function writeWords(w: BufferWriter, hi: number, lo: number): void {
  w.ensure(8);
  w.buf.writeInt32BE(hi | 0, w.pos);
  w.buf.writeUInt32BE(lo >>> 0, w.pos + 4);
  w.pos += 8;
}

/** Writes an int64 given as a number (exact) or a bigint. */
function writeInt64(w: BufferWriter, v: number | bigint): void {
  if (typeof v === 'number') writeWords(w, Math.floor(v / 4294967296), v % 4294967296 >>> 0);
  else w.i64(BigInt.asIntN(64, v));
}

const boolBinary: Binder = (vector) => {
  const bytes = bytesOf(vector);
  return { valid: validityBits(vector), write: (row, w) => void w.u8(bytes[row] !== 0 ? 1 : 0) };
};

function floatBinary(double: boolean): Binder {
  return (vector) => {
    if (double) {
      const items = itemsOf(vector, Float64Array);
      return { valid: validityBits(vector), write: (row, w) => void w.f64(items[row]) };
    }
    const items = itemsOf(vector, Float32Array);
    return { valid: validityBits(vector), write: (row, w) => void w.f32(items[row]) };
  };
}

function numericBinary(read: (vector: Parameters<Binder>[0]) => (row: number) => number | bigint, scale: number): Binder {
  return (vector) => {
    const value = read(vector);
    return {
      valid: validityBits(vector),
      write(row, w) {
        const v = value(row);
        writeNumericBinary(w, v < 0, absDigits(v), scale);
      },
    };
  };
}

const ubigintReader = (vector: Parameters<Binder>[0]) => {
  const items = itemsOf(vector, BigUint64Array);
  return (row: number) => items[row];
};

/** Bytes of string_t values as they are: text, json, bytea, enum labels. */
const bytesBinary: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row, w) {
      const len = reader.locate(row);
      w.ensure(len);
      copyBytes(reader.src, reader.srcStart, len, w.buf, w.pos);
      w.pos += len;
    },
  };
};

const bignumBinary: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row, w) {
      const len = reader.locate(row);
      const v = bignumValue(reader.src, reader.srcStart, len);
      writeNumericBinary(w, v < 0n, absDigits(v), 0);
    },
  };
};

/** varbit_send: int32 bit count, then the bits MSB-first, zero-padded at the end. */
const bitBinary: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row, w) {
      const len = reader.locate(row);
      const src = reader.src;
      const start = reader.srcStart + 1;
      const padding = src[reader.srcStart];
      const bits = (len - 1) * 8 - padding;
      const out = Math.ceil(bits / 8);
      w.i32(bits);
      w.ensure(out);
      for (let i = 0; i < out; i++) {
        const bit = i * 8 + padding;
        const a = src[start + (bit >> 3)];
        const b = (bit >> 3) + 1 < len - 1 ? src[start + (bit >> 3) + 1] : 0;
        w.buf[w.pos + i] = ((a << (bit & 7)) | (b >> (8 - (bit & 7)))) & 0xff;
      }
      // Clear the bits past the end of the last byte.
      if (bits % 8 !== 0) w.buf[w.pos + out - 1] &= (0xff << (8 - (bits % 8))) & 0xff;
      w.pos += out;
    },
  };
};

function enumBinary(t: DuckDBType): Binder {
  if (t.typeId !== DuckDBTypeId.ENUM) throw new Error('enumBinary: not an enum');
  const dictionary = t.values.map((v) => Buffer.from(v, 'utf8'));
  const ctor: NumArrayCtor = dictionary.length <= 0xff ? Uint8Array : dictionary.length <= 0xffff ? Uint16Array : Uint32Array;
  return (vector) => {
    const items = itemsOf(vector, ctor);
    return { valid: validityBits(vector), write: (row, w) => void w.bytes(dictionary[items[row]]) };
  };
}

const DATE_INFINITY = 2147483647;

const dateBinary: Binder = (vector) => {
  const items = itemsOf(vector, Int32Array);
  return {
    valid: validityBits(vector),
    write(row, w) {
      const days = items[row];
      // PostgreSQL's -infinity is INT32_MIN, DuckDB's is -INT32_MAX.
      w.i32(days === DATE_INFINITY ? DATE_INFINITY : days === -DATE_INFINITY ? -DATE_INFINITY - 1 : days - PG_EPOCH_DAYS);
    },
  };
};

const PG_EPOCH_US = 946_684_800_000_000;
const INT64_MAX = 0x7fffffffffffffffn;

function timestampBinary(unit: Unit): Binder {
  return (vector) => {
    const words = int64Words(itemsOf(vector, BigInt64Array));
    return {
      valid: validityBits(vector),
      write(row, w) {
        const us = microsAt(words, row, unit);
        if (us === Infinity) w.i64(INT64_MAX);
        else if (us === -Infinity) w.i64(-INT64_MAX - 1n);
        else if (typeof us === 'number' && Number.isSafeInteger(us - PG_EPOCH_US)) writeInt64(w, us - PG_EPOCH_US);
        else writeInt64(w, BigInt(us) - BigInt(PG_EPOCH_US));
      },
    };
  };
}

function timeBinary(unit: Unit): Binder {
  return (vector) => {
    const words = int64Words(itemsOf(vector, BigInt64Array));
    return { valid: validityBits(vector), write: (row, w) => writeInt64(w, microsAt(words, row, unit)) };
  };
}

/** timetz_send: int64 µs, int32 zone in seconds WEST of UTC. */
const timetzBinary: Binder = (vector) => {
  const words = int64Words(itemsOf(vector, BigUint64Array));
  return {
    valid: validityBits(vector),
    write(row, w) {
      readTimeTz(words, row);
      writeInt64(w, timetz.micros);
      w.i32(-timetz.offset);
    },
  };
};

/** interval_send: int64 µs, int32 days, int32 months. */
const intervalBinary: Binder = (vector) => {
  const words = intervalWords(vector);
  return {
    valid: validityBits(vector),
    write(row, w) {
      writeInt64(w, intervalMicros(words, row));
      w.i32(words[(row << 2) + 1]);
      w.i32(words[row << 2]);
    },
  };
};

const uuidBinary: Binder = (vector) => {
  const bytes = bytesOf(vector);
  return {
    valid: validityBits(vector),
    write(row, w) {
      w.ensure(16);
      uuidBytes(bytes, row, w.buf, w.pos);
      w.pos += 16;
    },
  };
};

/** The binary writer of a scalar type, or undefined when PostgreSQL's form is JSON text. */
export function scalarBinaryBinder(t: DuckDBType): Binder | undefined {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return boolBinary;
    case DuckDBTypeId.TINYINT: return int16Binary(Int8Array);
    case DuckDBTypeId.SMALLINT: return int16Binary(Int16Array);
    case DuckDBTypeId.UTINYINT: return int16Binary(Uint8Array);
    case DuckDBTypeId.INTEGER: return int32Binary(Int32Array);
    case DuckDBTypeId.USMALLINT: return int32Binary(Uint16Array);
    case DuckDBTypeId.BIGINT: return bigintBinary;
    case DuckDBTypeId.UINTEGER: return uintegerBinary;
    case DuckDBTypeId.UBIGINT: return numericBinary(ubigintReader, 0);
    case DuckDBTypeId.HUGEINT: return numericBinary((v) => scaledReader(v, 16, false), 0);
    case DuckDBTypeId.UHUGEINT: return numericBinary((v) => scaledReader(v, 16, true), 0);
    case DuckDBTypeId.DECIMAL: return numericBinary((v) => scaledReader(v, decimalByteWidth(t.width), false), t.scale);
    case DuckDBTypeId.BIGNUM: return bignumBinary;
    case DuckDBTypeId.FLOAT: return floatBinary(false);
    case DuckDBTypeId.DOUBLE: return floatBinary(true);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.GEOMETRY: return bytesBinary;
    case DuckDBTypeId.ENUM: return enumBinary(t);
    case DuckDBTypeId.BIT: return bitBinary;
    case DuckDBTypeId.DATE: return dateBinary;
    case DuckDBTypeId.TIME: return timeBinary(Unit.us);
    case DuckDBTypeId.TIME_NS: return timeBinary(Unit.ns);
    case DuckDBTypeId.TIME_TZ: return timetzBinary;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: return timestampBinary(Unit.us);
    case DuckDBTypeId.TIMESTAMP_S: return timestampBinary(Unit.s);
    case DuckDBTypeId.TIMESTAMP_MS: return timestampBinary(Unit.ms);
    case DuckDBTypeId.TIMESTAMP_NS: return timestampBinary(Unit.ns);
    case DuckDBTypeId.INTERVAL: return intervalBinary;
    case DuckDBTypeId.UUID: return uuidBinary;
    default: return undefined;
  }
}
