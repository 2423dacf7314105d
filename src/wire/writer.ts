/**
 * A growable byte builder for backend messages. Messages are framed in place:
 * `begin(type)` reserves the length word and `end()` patches it, so a DataRow
 * is encoded straight into the outgoing buffer without intermediate copies.
 */
/** Node's undocumented fast path behind Buffer#write(s, offset, 'utf8'); measurably quicker on short strings. */
type FastBuffer = Buffer & { utf8Write(s: string, offset: number): number };

export class BufferWriter {
  buf: Buffer;
  pos = 0;
  private msgStart = -1;

  constructor(initialSize = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Starts a typed message: one type byte and a length word patched by end(). */
  begin(type: number): this {
    this.ensure(5);
    this.buf[this.pos] = type;
    this.msgStart = this.pos + 1;
    this.pos += 5;
    return this;
  }

  end(): this {
    this.buf.writeInt32BE(this.pos - this.msgStart, this.msgStart);
    this.msgStart = -1;
    return this;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  i16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** UTF-8 string without terminator. */
  str(s: string): this {
    this.ensure(s.length * 3);
    this.pos += (this.buf as FastBuffer).utf8Write(s, this.pos);
    return this;
  }

  /** NUL-terminated UTF-8 string. */
  cstr(s: string): this {
    this.str(s);
    return this.u8(0);
  }

  /** A length-prefixed UTF-8 value (as in DataRow and Bind). */
  lenStr(s: string): this {
    this.ensure(4 + s.length * 3);
    const start = this.pos;
    this.pos += 4;
    const n = (this.buf as FastBuffer).utf8Write(s, this.pos);
    this.buf.writeInt32BE(n, start);
    this.pos += n;
    return this;
  }

  /** A length-prefixed binary value. */
  lenBytes(b: Uint8Array): this {
    this.i32(b.length);
    return this.bytes(b);
  }

  /** Reserves a length word and returns its offset, for values whose size is known only after writing. */
  reserveLen(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  patchLen(at: number): void {
    this.buf.writeInt32BE(this.pos - at - 4, at);
  }

  /** Returns a copy of the bytes written so far and starts over. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  get length(): number {
    return this.pos;
  }
}
