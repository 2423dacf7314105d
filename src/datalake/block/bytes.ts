import { BlockFormatError } from './errors.js';

/** A growable little-endian byte builder with LEB128 varints, for block payloads. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 64 * 1024) {
    // allocUnsafe: every byte handed out is written first, so zero-filling is wasted work.
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** 0 ≤ v < 2^53. Callers that write many values call ensure() once and use varuintUnchecked. */
  varuint(v: number): void {
    this.ensure(10);
    this.varuintUnchecked(v);
  }

  varuintUnchecked(v: number): void {
    const b = this.buf;
    let p = this.pos;
    if (v < 0x80) {
      b[p++] = v;
    } else if (v < 0x10000000) {
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[p++] = v;
    } else {
      while (v >= 0x80) {
        b[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      b[p++] = v;
    }
    this.pos = p;
  }

  f64(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Reserves room for a length written later by patchLen (a fixed 4-byte padded varuint). */
  reserveLen(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  /** Writes the byte length since `at + 4` as a 4-byte padded varuint (valid LEB128, < 2^28). */
  patchLen(at: number): void {
    const n = this.pos - at - 4;
    if (n >= 2 ** 28) throw new RangeError(`a block part of ${n} bytes exceeds the 2^28-byte limit`);
    const b = this.buf;
    b[at] = (n & 0x7f) | 0x80;
    b[at + 1] = ((n >>> 7) & 0x7f) | 0x80;
    b[at + 2] = ((n >>> 14) & 0x7f) | 0x80;
    b[at + 3] = (n >>> 21) & 0x7f;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** A bounds-checked reader over a decompressed payload; every failure is a BlockFormatError. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  fail(reason: string, at = this.pos): never {
    throw new BlockFormatError(reason, at, 'payload');
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.fail(`${what}: unexpected end of payload`);
    return this.buf[this.pos++];
  }

  varuint(what: string): number {
    const start = this.pos;
    const b = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) this.fail(`${what}: varint runs past the end`, start);
      const byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    return this.fail(`${what}: varint longer than 8 bytes`, start);
  }

  /** A count or length that must fit in the bytes left after it (each item takes at least one byte). */
  fits(what: string): number {
    const at = this.pos;
    const v = this.varuint(what);
    if (v > this.end - this.pos) this.fail(`${what} ${v} exceeds the ${this.end - this.pos} bytes left`, at);
    return v;
  }

  /** A varuint that must be ≤ max (checked before anything is allocated). */
  bounded(what: string, max: number): number {
    const at = this.pos;
    const v = this.varuint(what);
    if (v > max) this.fail(`${what} ${v} exceeds ${max}`, at);
    return v;
  }
}
