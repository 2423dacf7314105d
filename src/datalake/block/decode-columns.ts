import type { ByteReader } from './bytes.js';
import { COLUMN_TYPE_NAMES, type ColumnLayout } from './format.js';

/**
 * Column readers. Each takes the byte range of one column and must consume it
 * exactly; a value past the range, an over-long varint, an id out of range or
 * leftover bytes is a BlockFormatError at the payload offset where it occurs.
 */

export interface ColumnSpan {
  name: string;
  count: number;
  start: number;
  end: number;
}

/** Reads and checks a column header against the layout; `count` is the value count the section implies. */
export function columnHeader(r: ByteReader, layout: ColumnLayout, kindName: string, count: number | undefined): ColumnSpan {
  const name = `${kindName}.${layout.name}`;
  const at = r.pos;
  const type = r.u8(`column ${name} type`);
  if (type !== layout.type) {
    r.fail(`column ${name} has type ${COLUMN_TYPE_NAMES[type] ?? type}, expected ${COLUMN_TYPE_NAMES[layout.type]}`, at);
  }
  const countAt = r.pos;
  const n = r.varuint(`column ${name} count`);
  if (count !== undefined && n !== count) r.fail(`column ${name} holds ${n} values, expected ${count}`, countAt);
  const len = r.fits(`column ${name} byte length`);
  const start = r.pos;
  r.pos += len;
  const minBytes = layout.type === 4 ? n * 8 : n; // f64: 8 bytes each, other types at least 1
  if (len < minBytes || (layout.type === 1 && len !== n) || (layout.type === 4 && len !== n * 8)) {
    r.fail(`column ${name}: ${len} bytes cannot hold ${n} values of type ${COLUMN_TYPE_NAMES[layout.type]}`, countAt);
  }
  return { name, count: n, start, end: start + len };
}

export function readU8(r: ByteReader, c: ColumnSpan): Uint8Array {
  return new Uint8Array(r.buf.buffer, r.buf.byteOffset + c.start, c.end - c.start);
}

export function readF64(r: ByteReader, c: ColumnSpan): Float64Array {
  // Copy to an aligned buffer: the column may start at any byte.
  const aligned = new Uint8Array(c.end - c.start);
  aligned.set(r.buf.subarray(c.start, c.end));
  return new Float64Array(aligned.buffer);
}

/** VarUints into `out`, each < limit (the size of the table an id points into). */
export function readVarUints<T extends Uint32Array | Float64Array>(r: ByteReader, c: ColumnSpan, out: T, limit: number, what = 'value'): T {
  if (c.end - c.start === c.count) return readOneByteVarUints(r, c, out, limit, what);
  const buf = r.buf;
  const end = c.end;
  let p = c.start;
  for (let i = 0; i < c.count; i++) {
    const at = p;
    if (p >= end) r.fail(`column ${c.name}: value ${i} runs past the column end`, at);
    let b = buf[p++];
    let v = b & 0x7f;
    if (b >= 0x80) {
      let mul = 128;
      for (let k = 1; ; k++) {
        if (p >= end) r.fail(`column ${c.name}: varint ${i} runs past the column end`, at);
        if (k === 8) r.fail(`column ${c.name}: varint ${i} is longer than 8 bytes`, at);
        b = buf[p++];
        v += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 128;
      }
    }
    if (v >= limit) r.fail(`column ${c.name}: ${what} ${v} out of range (limit ${limit})`, at);
    out[i] = v;
  }
  if (p !== end) r.fail(`column ${c.name}: ${end - p} trailing bytes`, p);
  return out;
}

/** A column of one-byte varints (byte_len = count, the common case for ids): a native widening copy. */
function readOneByteVarUints<T extends Uint32Array | Float64Array>(r: ByteReader, c: ColumnSpan, out: T, limit: number, what: string): T {
  const bytes = r.buf.subarray(c.start, c.end);
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) bits |= bytes[i];
  if (bits < 0x80 && limit > 0x7f) {
    out.set(bytes);
    return out;
  }
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i];
    if (v >= 0x80) r.fail(`column ${c.name}: varint ${i} runs past the column end`, c.start + i);
    if (v >= limit) r.fail(`column ${c.name}: ${what} ${v} out of range (limit ${limit})`, c.start + i);
    out[i] = v;
  }
  return out;
}

const unzigzag = (z: number): number => (z < 0x80000000 ? (z >>> 1) ^ -(z & 1) : z % 2 === 1 ? -(z + 1) / 2 : z / 2);

export function readZigzag(r: ByteReader, c: ColumnSpan): Float64Array {
  const out = readVarUints(r, c, new Float64Array(c.count), Infinity);
  for (let i = 0; i < out.length; i++) out[i] = unzigzag(out[i]);
  return out;
}

export function readZigzagDelta(r: ByteReader, c: ColumnSpan): Float64Array {
  const out = readVarUints(r, c, new Float64Array(c.count), Infinity);
  let acc = 0;
  for (let i = 0; i < out.length; i++) {
    acc += unzigzag(out[i]);
    out[i] = acc;
  }
  return out;
}

/** 0 = none → -1, k → k-1. */
export function readOptRefs(r: ByteReader, c: ColumnSpan, nStrings: number): Int32Array {
  const raw = readVarUints(r, c, new Uint32Array(c.count), nStrings + 1, 'string id+1');
  const out = new Int32Array(raw.buffer);
  for (let i = 0; i < out.length; i++) out[i] = raw[i] - 1;
  return out;
}

/** Every byte of a u8 column must be below `limit` (levels, event types, value kinds). */
export function checkU8(r: ByteReader, c: ColumnSpan, values: Uint8Array, min: number, max: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min || v > max) r.fail(`column ${c.name}: value ${v} at row ${i} is not in ${min}..${max}`, c.start + i);
  }
}
