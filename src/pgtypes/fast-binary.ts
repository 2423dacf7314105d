/**
 * Hand-specialised binary encoders for the common column types: the length word and the
 * big-endian value written with direct byte stores. Same bytes as binary.ts (checked by
 * test/unit/pgtypes/fast.test.ts).
 */
import { DuckDBTypeId, type DuckDBType, type DuckDBVector } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import type { ColumnEncoder } from './encode.js';
import { bytesOf, int64ToNumber, int64Words, itemsOf, validityBits } from './raw.js';
import { copyLocated, StringVectorReader, WriterView } from './strings.js';

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type IntArrayCtor = { new (...args: never[]): IntArray; readonly name: string };

/** Bound state shared by the fixed-width encoders: rebinding happens once per vector. */
class Binding<T> {
  last: DuckDBVector | undefined;
  data!: T;
  valid: Uint8Array | null = null;

  constructor(private readonly read: (vector: DuckDBVector) => T) {}

  /** Binds to `vector` if needed; returns false (after writing -1) when `row` is NULL. */
  present(vector: DuckDBVector, row: number, w: BufferWriter): boolean {
    if (vector !== this.last) {
      this.data = this.read(vector);
      this.valid = validityBits(vector);
      this.last = vector;
    }
    const valid = this.valid;
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) {
      w.ensure(4);
      w.buf.writeInt32BE(-1, w.pos);
      w.pos += 4;
      return false;
    }
    return true;
  }
}

/** Writes the length word `len` at pos. */
function header(buf: Uint8Array, pos: number, len: number): void {
  buf[pos] = 0;
  buf[pos + 1] = 0;
  buf[pos + 2] = len >>> 8;
  buf[pos + 3] = len & 0xff;
}

function int(ctor: IntArrayCtor, bytes: 2 | 4): ColumnEncoder {
  const b = new Binding((v) => itemsOf(v, ctor));
  return (vector, row, w) => {
    if (!b.present(vector, row, w)) return;
    w.ensure(8);
    const buf = w.buf;
    const pos = w.pos;
    const v = b.data[row];
    header(buf, pos, bytes);
    if (bytes === 2) {
      buf[pos + 4] = (v >> 8) & 0xff;
      buf[pos + 5] = v & 0xff;
    } else {
      buf[pos + 4] = (v >>> 24) & 0xff;
      buf[pos + 5] = (v >>> 16) & 0xff;
      buf[pos + 6] = (v >>> 8) & 0xff;
      buf[pos + 7] = v & 0xff;
    }
    w.pos = pos + 4 + bytes;
  };
}

function writeWordsBE(buf: Uint8Array, pos: number, hi: number, lo: number): void {
  buf[pos] = hi >>> 24;
  buf[pos + 1] = (hi >>> 16) & 0xff;
  buf[pos + 2] = (hi >>> 8) & 0xff;
  buf[pos + 3] = hi & 0xff;
  buf[pos + 4] = lo >>> 24;
  buf[pos + 5] = (lo >>> 16) & 0xff;
  buf[pos + 6] = (lo >>> 8) & 0xff;
  buf[pos + 7] = lo & 0xff;
}

function bigint(): ColumnEncoder {
  const b = new Binding((v) => int64Words(itemsOf(v, BigInt64Array)));
  return (vector, row, w) => {
    if (!b.present(vector, row, w)) return;
    w.ensure(12);
    header(w.buf, w.pos, 8);
    writeWordsBE(w.buf, w.pos + 4, b.data[(row << 1) + 1], b.data[row << 1]);
    w.pos += 12;
  };
}

function double(): ColumnEncoder {
  const b = new Binding((v) => itemsOf(v, Float64Array));
  const out = new WriterView();
  return (vector, row, w) => {
    if (!b.present(vector, row, w)) return;
    w.ensure(12);
    header(w.buf, w.pos, 8);
    out.of(w.buf).setFloat64(w.pos + 4, b.data[row]);
    w.pos += 12;
  };
}

function boolean(): ColumnEncoder {
  const b = new Binding(bytesOf);
  return (vector, row, w) => {
    if (!b.present(vector, row, w)) return;
    w.ensure(5);
    header(w.buf, w.pos, 1);
    w.buf[w.pos + 4] = b.data[row] !== 0 ? 1 : 0;
    w.pos += 5;
  };
}

const PG_EPOCH_US = 946_684_800_000_000;

/** TIMESTAMP / TIMESTAMPTZ within ±285 years of 1970 (binary.ts handles the rest). */
function timestamp(generic: ColumnEncoder): ColumnEncoder {
  const b = new Binding((v) => int64Words(itemsOf(v, BigInt64Array)));
  return (vector, row, w) => {
    if (!b.present(vector, row, w)) return;
    const us = int64ToNumber(b.data[row << 1], b.data[(row << 1) + 1]);
    if (us !== us) {
      // NULL was already ruled out; let the generic writer bind and write this value.
      generic(vector, row, w);
      return;
    }
    const pg = us - PG_EPOCH_US;
    const hi = Math.floor(pg / 4294967296);
    w.ensure(12);
    header(w.buf, w.pos, 8);
    writeWordsBE(w.buf, w.pos + 4, hi, pg - hi * 4294967296);
    w.pos += 12;
  };
}

function varchar(): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let reader: StringVectorReader | undefined;
  const out = new WriterView();
  return (vector, row, w) => {
    if (vector !== last) {
      reader = new StringVectorReader(vector);
      last = vector;
    }
    const valid = reader!.valid;
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) {
      w.ensure(4);
      w.buf.writeInt32BE(-1, w.pos);
      w.pos += 4;
      return;
    }
    const len = reader!.locate(row);
    w.ensure(4 + len);
    w.buf.writeInt32BE(len, w.pos);
    copyLocated(reader!, len, w.buf, out.of(w.buf), w.pos + 4);
    w.pos += 4 + len;
  };
}

/** A specialised binary encoder for `t`, or undefined. `generic` is the full encoder of `t`. */
export function fastBinaryEncoder(t: DuckDBType, generic: () => ColumnEncoder): ColumnEncoder | undefined {
  switch (t.typeId) {
    case DuckDBTypeId.TINYINT: return int(Int8Array, 2);
    case DuckDBTypeId.SMALLINT: return int(Int16Array, 2);
    case DuckDBTypeId.UTINYINT: return int(Uint8Array, 2);
    case DuckDBTypeId.INTEGER: return int(Int32Array, 4);
    case DuckDBTypeId.USMALLINT: return int(Uint16Array, 4);
    case DuckDBTypeId.BIGINT: return bigint();
    case DuckDBTypeId.DOUBLE: return double();
    case DuckDBTypeId.BOOLEAN: return boolean();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: return timestamp(generic());
    case DuckDBTypeId.VARCHAR: return varchar();
    default: return undefined;
  }
}
