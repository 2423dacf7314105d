import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeStartup } from '../../../src/wire/frontend.js';
import { PgError } from '../../../src/wire/pg-error.js';

/** Splits one serialized message into (type, body). */
function frame(buf: Buffer): [number, Buffer] {
  return [buf[0], buf.subarray(5)];
}

function errorOf(fn: () => unknown): PgError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PgError) return e;
    throw e;
  }
  throw new Error('expected a PgError');
}

describe('frontend messages', () => {
  it('decodes Parse with parameter types', () => {
    expect(decodeMessage(...frame(serialize.parse({ name: 'st', text: 'SELECT $1, $2', types: [23, 25] })))).toEqual({
      kind: 'parse',
      name: 'st',
      sql: 'SELECT $1, $2',
      paramOids: [23, 25],
    });
  });

  it('decodes Bind with NULLs, binary formats and result formats', () => {
    const msg = decodeMessage(...frame(serialize.bind({ portal: 'p', statement: 's', values: ['1', null, Buffer.from([1, 2])], binary: true })));
    expect(msg).toMatchObject({ kind: 'bind', portal: 'p', statement: 's', resultFormats: [1] });
    if (msg.kind !== 'bind') throw new Error();
    expect(msg.params.map((p) => (p === null ? null : [...p]))).toEqual([[0x31], null, [1, 2]]);
    expect(msg.paramFormats).toEqual([0, 0, 1]);
  });

  it('decodes Describe, Execute, Close, Sync, Flush, Terminate', () => {
    expect(decodeMessage(...frame(serialize.describe({ type: 'S', name: 'x' })))).toEqual({ kind: 'describe', target: 'S', name: 'x' });
    expect(decodeMessage(...frame(serialize.execute({ portal: 'p', rows: 5 })))).toEqual({ kind: 'execute', portal: 'p', maxRows: 5 });
    expect(decodeMessage(...frame(serialize.close({ type: 'P', name: '' })))).toEqual({ kind: 'close', target: 'P', name: '' });
    expect(decodeMessage(...frame(serialize.sync()))).toEqual({ kind: 'sync' });
    expect(decodeMessage(...frame(serialize.flush()))).toEqual({ kind: 'flush' });
    expect(decodeMessage(...frame(serialize.end()))).toEqual({ kind: 'terminate' });
  });

  it('decodes SSLRequest, GSSENCRequest and CancelRequest', () => {
    expect(decodeStartup(serialize.requestSsl().subarray(4))).toEqual({ kind: 'ssl' });
    const gss = Buffer.alloc(4);
    gss.writeInt32BE(80877104);
    expect(decodeStartup(gss)).toEqual({ kind: 'gssenc' });
    expect(decodeStartup(serialize.cancel(1234, -5).subarray(4))).toEqual({ kind: 'cancel', pid: 1234, key: -5 });
  });

  it('rejects protocol 2 with FATAL 0A000', () => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(2 << 16);
    const e = errorOf(() => decodeStartup(b));
    expect([e.code, e.severity]).toEqual(['0A000', 'FATAL']);
    expect(e.message).toMatch(/unsupported frontend protocol 2\.0/);
  });

  it('reports truncated and malformed bodies as 08P01, never a crash', () => {
    const [type, body] = frame(serialize.bind({ values: ['abc'] }));
    for (let cut = 0; cut < body.length; cut++) {
      const e = errorOf(() => decodeMessage(type, body.subarray(0, cut)));
      expect(e.code).toBe('08P01');
    }
    expect(errorOf(() => decodeMessage(0x53, Buffer.from([1]))).message).toMatch(/Sync/);
    expect(errorOf(() => decodeMessage(0x7a, Buffer.alloc(0))).message).toMatch(/invalid frontend message type 122/);
    expect(errorOf(() => decodeMessage(0x44, Buffer.from('Xname\0'))).code).toBe('08P01');
    expect(errorOf(() => decodeMessage(0x51, Buffer.from('no terminator'))).message).toMatch(/unterminated/);
  });

  it('rejects a negative parameter length other than -1 and bad format codes', () => {
    const body = Buffer.from([0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0]);
    expect(errorOf(() => decodeMessage(0x42, body)).message).toMatch(/length -2/);
    const fmt = Buffer.from([0, 0, 0, 1, 0, 7, 0, 0, 0, 0]);
    expect(errorOf(() => decodeMessage(0x42, fmt)).message).toMatch(/unsupported format code: 7/);
  });
});
