/**
 * Text writers for DuckDB's non-temporal scalar types (see text-time.ts for dates and times).
 * Each one prints PostgreSQL's output function's form of the mapped type.
 */
import type { DuckDBEnumType, DuckDBVector } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import { writeAscii, writeInt } from './ascii.js';
import type { Binder } from './bound.js';
import { float4Text, writeFloat8 } from './float.js';
import { absDigits, decimalTextLength, writeDecimalText } from './numeric.js';
import { bytesOf, int64ToNumber, int64Words, itemsOf, validityBits } from './raw.js';
import { copyBytes, StringVectorReader } from './strings.js';

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type IntArrayCtor = { new (...args: never[]): IntArray; readonly name: string };

export function smallIntText(ctor: IntArrayCtor): Binder {
  return (vector) => {
    const items = itemsOf(vector, ctor);
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        w.ensure(11);
        w.pos = writeInt(w.buf, w.pos, items[row]);
      },
    };
  };
}

export const boolText: Binder = (vector) => {
  const bytes = bytesOf(vector);
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      w.ensure(1);
      w.buf[w.pos++] = bytes[row] !== 0 ? 116 : 102; // t / f
    },
  };
};

/** BIGINT (signed) or UBIGINT (unsigned) items. */
export function int64Text(unsigned: boolean): Binder {
  return (vector) => {
    const words = int64Words(unsigned ? itemsOf(vector, BigUint64Array) : itemsOf(vector, BigInt64Array));
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        w.ensure(21);
        const lo = words[row << 1];
        const hi = words[(row << 1) + 1];
        const n = unsigned && hi < 0 ? Number.NaN : int64ToNumber(lo, hi);
        if (n === n) w.pos = writeInt(w.buf, w.pos, n);
        else w.pos = writeAscii(w.buf, w.pos, int64Big(lo, hi, unsigned).toString());
      },
    };
  };
}

export function int64Big(lo: number, hi: number, unsigned: boolean): bigint {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return unsigned ? v : BigInt.asIntN(64, v);
}

export function floatText(double: boolean): Binder {
  return (vector) => {
    const items = double ? itemsOf(vector, Float64Array) : itemsOf(vector, Float32Array);
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        w.ensure(26);
        if (double) w.pos = writeFloat8(w.buf, w.pos, items[row]);
        else w.pos = writeAscii(w.buf, w.pos, float4Text(items[row]));
      },
    };
  };
}

/**
 * Reads the exact scaled integer of a DECIMAL or 128-bit integer vector. Storage width
 * follows DuckDB: 2, 4, 8 or 16 bytes, little-endian two's complement.
 */
export function scaledReader(vector: DuckDBVector, byteWidth: number, unsigned: boolean): (row: number) => number | bigint {
  const bytes = bytesOf(vector);
  if (byteWidth === 2) {
    const v = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
    return (row) => v[row];
  }
  if (byteWidth === 4) {
    const v = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    return (row) => v[row];
  }
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  if (byteWidth === 8) {
    return (row) => {
      const n = int64ToNumber(words[row << 1], words[(row << 1) + 1]);
      return n === n ? n : int64Big(words[row << 1], words[(row << 1) + 1], false);
    };
  }
  return (row) => {
    const b = row << 2;
    const w0 = words[b], w1 = words[b + 1], w2 = words[b + 2], w3 = words[b + 3];
    if (!unsigned && ((w2 === 0 && w3 === 0 && w1 >= 0) || (w2 === -1 && w3 === -1 && w1 < 0))) {
      const n = int64ToNumber(w0, w1);
      if (n === n) return n;
    }
    const hi = int64Big(w2, w3, unsigned);
    return (hi << 64n) | int64Big(w0, w1, true);
  };
}

/** DECIMAL(width, scale) and the integer types PostgreSQL only has as numeric. */
export function decimalText(byteWidth: number, scale: number, unsigned = false): Binder {
  return (vector) => {
    const read = scaledReader(vector, byteWidth, unsigned);
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        const v = read(row);
        const digits = absDigits(v);
        w.ensure(decimalTextLength(digits, scale));
        w.pos = writeDecimalText(w.buf, w.pos, v < 0, digits, scale);
      },
    };
  };
}

/** VARCHAR (and JSON): the UTF-8 bytes as they are. */
export const varcharText: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row: number, w: BufferWriter): void {
      const len = reader.locate(row);
      w.ensure(len);
      copyBytes(reader.src, reader.srcStart, len, w.buf, w.pos);
      w.pos += len;
    },
  };
};

const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX[2 * i] = h.charCodeAt(0);
  HEX[2 * i + 1] = h.charCodeAt(1);
}

export function writeHex(src: Uint8Array, start: number, len: number, dst: Uint8Array, pos: number): number {
  for (let i = 0; i < len; i++) {
    const b = src[start + i] << 1;
    dst[pos++] = HEX[b];
    dst[pos++] = HEX[b + 1];
  }
  return pos;
}

/** BLOB → bytea in the default bytea_output = hex: `\x0a0b`. */
export const blobText: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row: number, w: BufferWriter): void {
      const len = reader.locate(row);
      w.ensure(2 + 2 * len);
      w.buf[w.pos] = 92; // backslash
      w.buf[w.pos + 1] = 120; // x
      w.pos = writeHex(reader.src, reader.srcStart, len, w.buf, w.pos + 2);
    },
  };
};

/** UUID: DuckDB stores it as a hugeint with the top bit flipped, so the bytes run backwards. */
export function uuidBytes(bytes: Uint8Array, row: number, out: Uint8Array, at: number): void {
  const base = row << 4;
  for (let k = 0; k < 8; k++) out[at + k] = bytes[base + 15 - k];
  for (let k = 0; k < 8; k++) out[at + 8 + k] = bytes[base + 7 - k];
  out[at] ^= 0x80;
}

export const uuidText: Binder = (vector) => {
  const bytes = bytesOf(vector);
  const raw = new Uint8Array(16);
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      uuidBytes(bytes, row, raw, 0);
      w.ensure(36);
      let pos = w.pos;
      for (let k = 0; k < 16; k++) {
        if (k === 4 || k === 6 || k === 8 || k === 10) w.buf[pos++] = 45;
        pos = writeHex(raw, k, 1, w.buf, pos);
      }
      w.pos = pos;
    },
  };
};

/** ENUM → text: the dictionary's UTF-8 bytes, encoded once. */
export function enumText(type: DuckDBEnumType): Binder {
  const dictionary = type.values.map((v) => Buffer.from(v, 'utf8'));
  return (vector) => {
    const items = itemsOf(vector, dictionaryItemsCtor(dictionary.length));
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        const value = dictionary[items[row]];
        w.ensure(value.length);
        copyBytes(value, 0, value.length, w.buf, w.pos);
        w.pos += value.length;
      },
    };
  };
}

function dictionaryItemsCtor(size: number): IntArrayCtor {
  if (size <= 0xff) return Uint8Array;
  return size <= 0xffff ? Uint16Array : Uint32Array;
}

/** BIT → varbit text: one '0'/'1' per bit. DuckDB's first byte counts padding bits in the next. */
export const bitText: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row: number, w: BufferWriter): void {
      const len = reader.locate(row);
      const src = reader.src;
      const start = reader.srcStart;
      const padding = src[start];
      const bits = (len - 1) * 8 - padding;
      w.ensure(bits);
      const buf = w.buf;
      let pos = w.pos;
      for (let i = padding; i < padding + bits; i++) buf[pos++] = (src[start + 1 + (i >> 3)] >> (7 - (i & 7))) & 1 ? 49 : 48;
      w.pos = pos;
    },
  };
};

/** BIGNUM (VARINT): a 3-byte header (sign, byte count) then big-endian magnitude, inverted when negative. */
export function bignumValue(src: Uint8Array, start: number, len: number): bigint {
  const negative = (src[start] & 0x80) === 0;
  const mask = negative ? 0xff : 0;
  let v = 0n;
  for (let i = 3; i < len; i++) v = (v << 8n) | BigInt(src[start + i] ^ mask);
  return negative ? -v : v;
}

export const bignumText: Binder = (vector) => {
  const reader = new StringVectorReader(vector);
  return {
    valid: reader.valid,
    write(row: number, w: BufferWriter): void {
      const len = reader.locate(row);
      const text = bignumValue(reader.src, reader.srcStart, len).toString();
      w.ensure(text.length);
      w.pos = writeAscii(w.buf, w.pos, text);
    },
  };
};

