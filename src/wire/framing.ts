import { PgError } from './pg-error.js';

/**
 * Splits the client's byte stream into messages.
 * https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
 *
 * Before startup completes, messages have no type byte (length word first);
 * afterwards each has a type byte then a length word that counts itself.
 * Lengths are checked against caps before anything is allocated, so a
 * hostile length cannot make the server reserve memory.
 */
export interface Frame {
  /** Message type byte, or 0 for an untyped startup-phase message. */
  type: number;
  body: Buffer;
}

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
export const MAX_STARTUP_BYTES = 10_000;
/** PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (1 GiB - 1). */
export const MAX_MESSAGE_BYTES = 0x3fffffff;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Whether messages carry a type byte (false until the startup packet is read). */
  typed = false;

  constructor(private readonly maxMessageBytes = MAX_MESSAGE_BYTES) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  get pending(): number {
    return this.buffered;
  }

  /** The next complete frame, or null when more bytes are needed. Throws a FATAL 08P01 PgError on a bad length. */
  next(): Frame | null {
    const header = this.typed ? 5 : 4;
    if (this.buffered < header) return null;
    const head = this.peek(header);
    const type = this.typed ? head[0] : 0;
    const len = head.readInt32BE(this.typed ? 1 : 0);
    this.checkLength(type, len);
    const total = len + (this.typed ? 1 : 0);
    if (this.buffered < total) return null;
    const whole = this.take(total);
    return { type, body: whole.subarray(header) };
  }

  private checkLength(type: number, len: number): void {
    if (!this.typed) {
      if (len < 8 || len > MAX_STARTUP_BYTES) throw PgError.protocol(`invalid length of startup packet: ${len}`);
      return;
    }
    if (len < 4) throw PgError.protocol(`invalid message length ${len} for message type '${printable(type)}'`);
    if (len - 4 > this.maxMessageBytes) {
      throw PgError.protocol(`message of type '${printable(type)}' is too large: ${len - 4} bytes (limit ${this.maxMessageBytes})`);
    }
  }

  /** Returns the first n buffered bytes without consuming them (n is small). */
  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    return this.coalesce(n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = this.coalesce(n).subarray(0, n);
      const rest = this.chunks[0].subarray(n);
      if (rest.length) this.chunks[0] = rest;
      else this.chunks.shift();
    }
    this.buffered -= n;
    return out;
  }

  /** Joins leading chunks until the first holds at least n bytes (one copy per message at most). */
  private coalesce(n: number): Buffer {
    let count = 0;
    let size = 0;
    while (size < n) size += this.chunks[count++].length;
    const joined = Buffer.concat(this.chunks.slice(0, count), size);
    this.chunks.splice(0, count, joined);
    return joined;
  }
}

export function printable(type: number): string {
  return type >= 0x20 && type < 0x7f ? String.fromCharCode(type) : `\\x${type.toString(16).padStart(2, '0')}`;
}
