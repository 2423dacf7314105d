/**
 * A minimal PostgreSQL client that returns every value as raw bytes, in text or binary
 * format. `pg` and pg-protocol decode DataRow fields to strings, which loses binary values.
 * Frames are built with pg-protocol's serializer; DataRows are parsed here.
 */
import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';

export interface RawResult {
  oids: number[];
  typmods: number[];
  rows: (Buffer | null)[][];
}

export class PgRawError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(fields.M ?? 'PostgreSQL error');
  }
}

export class PgRaw {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.waiting?.();
    });
  }

  static async connect(): Promise<PgRaw> {
    const socket = connect(5432, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new PgRaw(socket);
    socket.write(serialize.startup({ user: 'postgres', database: 'test' }));
    await client.untilReady();
    return client;
  }

  /** Runs statements that return no rows we care about (SET …). */
  async simple(sql: string): Promise<void> {
    this.socket.write(serialize.query(sql));
    await this.untilReady();
  }

  /** Runs one SELECT through the extended protocol with all results in `format`. */
  async query(sql: string, format: 0 | 1): Promise<RawResult> {
    this.socket.write(
      Buffer.concat([
        serialize.parse({ text: sql }),
        serialize.bind({ binary: format === 1 }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    return this.untilReady();
  }

  async close(): Promise<void> {
    this.socket.end(serialize.end());
    await new Promise((resolve) => this.socket.once('close', resolve));
  }

  private async nextMessage(): Promise<{ type: number; body: Buffer }> {
    for (;;) {
      if (this.buffered.length >= 5) {
        const len = this.buffered.readInt32BE(1);
        if (this.buffered.length >= len + 1) {
          const type = this.buffered[0];
          const body = this.buffered.subarray(5, len + 1);
          this.buffered = this.buffered.subarray(len + 1);
          return { type, body };
        }
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = null;
    }
  }

  private async untilReady(): Promise<RawResult> {
    const result: RawResult = { oids: [], typmods: [], rows: [] };
    let error: PgRawError | null = null;
    for (;;) {
      const { type, body } = await this.nextMessage();
      const t = String.fromCharCode(type);
      if (t === 'Z') break;
      if (t === 'E') error = new PgRawError(parseFields(body));
      if (t === 'T') parseRowDescription(body, result);
      if (t === 'D') result.rows.push(parseDataRow(body));
    }
    if (error) throw error;
    return result;
  }
}

function parseFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length && body[pos] !== 0) {
    const code = String.fromCharCode(body[pos]);
    const end = body.indexOf(0, pos + 1);
    fields[code] = body.toString('utf8', pos + 1, end);
    pos = end + 1;
  }
  return fields;
}

function parseRowDescription(body: Buffer, out: RawResult): void {
  const count = body.readInt16BE(0);
  let pos = 2;
  for (let i = 0; i < count; i++) {
    pos = body.indexOf(0, pos) + 1;
    out.oids.push(body.readInt32BE(pos + 6));
    out.typmods.push(body.readInt32BE(pos + 12));
    pos += 18;
  }
}

/** Parses a DataRow body: int16 count, then int32 length (-1 = NULL) + bytes per value. */
export function parseDataRow(body: Buffer): (Buffer | null)[] {
  const count = body.readInt16BE(0);
  const values: (Buffer | null)[] = [];
  let pos = 2;
  for (let i = 0; i < count; i++) {
    const len = body.readInt32BE(pos);
    pos += 4;
    if (len < 0) {
      values.push(null);
    } else {
      values.push(Buffer.from(body.subarray(pos, pos + len)));
      pos += len;
    }
  }
  return values;
}
