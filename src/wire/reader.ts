import { PgError } from './pg-error.js';

/** Bounds-checked reads over one message body; any overrun is a protocol violation, never a crash. */
export class MessageReader {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw PgError.protocol(`invalid ${this.what} message format: truncated at byte ${this.pos}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  cstr(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw PgError.protocol(`invalid ${this.what} message format: unterminated string at byte ${this.pos}`);
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  rest(): Buffer {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** PostgreSQL rejects trailing bytes after a message's fields ("invalid message format"). */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw PgError.protocol(`invalid ${this.what} message format: ${this.buf.length - this.pos} unexpected trailing bytes`);
    }
  }
}
