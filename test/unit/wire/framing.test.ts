import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { FrameReader, MAX_STARTUP_BYTES, type Frame } from '../../../src/wire/framing.js';
import { decodeMessage, decodeStartup } from '../../../src/wire/frontend.js';
import { PgError } from '../../../src/wire/pg-error.js';

function readAll(reader: FrameReader): Frame[] {
  const out: Frame[] = [];
  for (let f = reader.next(); f; f = reader.next()) out.push(f);
  return out;
}

/** Real frontend messages, as node-postgres serializes them. */
const messages = (): Buffer[] => [
  serialize.query('SELECT 1; SELECT 2'),
  serialize.parse({ name: 's1', text: 'SELECT $1::int', types: [23] }),
  serialize.bind({ portal: 'p', statement: 's1', values: ['42', null], binary: true }),
  serialize.describe({ type: 'P', name: 'p' }),
  serialize.execute({ portal: 'p', rows: 10 }),
  serialize.close({ type: 'S', name: 's1' }),
  serialize.flush(),
  serialize.sync(),
  serialize.end(),
];

describe('FrameReader', () => {
  it('reads a startup packet untyped, then typed messages', () => {
    const r = new FrameReader();
    r.push(serialize.startup({ user: 'u', database: 'sirius' }));
    const [startup] = readAll(r);
    const msg = decodeStartup(startup.body);
    expect(msg).toMatchObject({ kind: 'startup', major: 3, minor: 0 });
    expect(msg.kind === 'startup' && Object.fromEntries(msg.params)).toEqual({ user: 'u', database: 'sirius', client_encoding: 'UTF8' });
    r.typed = true;
    r.push(serialize.query('SELECT 1'));
    expect(readAll(r).map((f) => decodeMessage(f.type, f.body))).toEqual([{ kind: 'query', sql: 'SELECT 1' }]);
  });

  // pg-protocol's "split buffer" discipline: every cut point of the stream gives the same frames.
  it('gives the same frames whatever the chunking (every split point of every message)', () => {
    const stream = Buffer.concat(messages());
    const whole = new FrameReader();
    whole.typed = true;
    whole.push(stream);
    const expected = readAll(whole).map((f) => decodeMessage(f.type, f.body));
    expect(expected).toHaveLength(9);
    for (let cut = 1; cut < stream.length; cut++) {
      const r = new FrameReader();
      r.typed = true;
      r.push(stream.subarray(0, cut));
      const first = readAll(r);
      r.push(stream.subarray(cut));
      const got = [...first, ...readAll(r)].map((f) => decodeMessage(f.type, f.body));
      expect(got).toEqual(expected);
    }
  });

  it('gives the same frames when fed one byte at a time', () => {
    const stream = Buffer.concat(messages());
    const r = new FrameReader();
    r.typed = true;
    const got: Frame[] = [];
    for (const byte of stream) {
      r.push(Buffer.from([byte]));
      got.push(...readAll(r));
    }
    expect(got.map((f) => String.fromCharCode(f.type)).join('')).toBe('QPBDECHSX');
    expect(r.pending).toBe(0);
  });

  it('rejects a length below 4 and a length over the cap before allocating', () => {
    const r = new FrameReader(1024);
    r.typed = true;
    r.push(Buffer.from([0x51, 0, 0, 0, 3]));
    expect(() => r.next()).toThrow(/invalid message length 3/);
    const big = new FrameReader();
    big.typed = true;
    big.push(Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]));
    const err = (() => {
      try {
        big.next();
      } catch (e) {
        return e as PgError;
      }
    })();
    expect(err).toBeInstanceOf(PgError);
    expect(err?.code).toBe('08P01');
    expect(err?.severity).toBe('FATAL');
    expect(err?.message).toMatch(/too large/);
  });

  it('rejects startup packets shorter than 8 or longer than PostgreSQL allows', () => {
    for (const len of [0, 4, 7, MAX_STARTUP_BYTES + 1, -1]) {
      const r = new FrameReader();
      const b = Buffer.alloc(4);
      b.writeInt32BE(len);
      r.push(b);
      expect(() => r.next(), `length ${len}`).toThrow(/invalid length of startup packet/);
    }
  });

  it('waits for the rest of a message without consuming anything', () => {
    const r = new FrameReader();
    r.typed = true;
    const q = serialize.query('SELECT 1');
    r.push(q.subarray(0, 3));
    expect(r.next()).toBeNull();
    expect(r.pending).toBe(3);
    r.push(q.subarray(3));
    expect(r.next()?.type).toBe(0x51);
  });
});
