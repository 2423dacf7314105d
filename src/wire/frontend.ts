import { printable } from './framing.js';
import { PgError } from './pg-error.js';
import { MessageReader } from './reader.js';

/**
 * Frontend (client → server) messages, decoded from frames.
 * https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupMessage =
  | { kind: 'startup'; major: number; minor: number; params: Map<string, string> }
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; pid: number; key: number };

export type FrontendMessage =
  | { kind: 'query'; sql: string }
  | { kind: 'parse'; name: string; sql: string; paramOids: number[] }
  | { kind: 'bind'; portal: string; statement: string; paramFormats: number[]; params: (Buffer | null)[]; resultFormats: number[] }
  | { kind: 'describe'; target: 'S' | 'P'; name: string }
  | { kind: 'execute'; portal: string; maxRows: number }
  | { kind: 'close'; target: 'S' | 'P'; name: string }
  | { kind: 'sync' }
  | { kind: 'flush' }
  | { kind: 'terminate' }
  /** Password, SASLInitialResponse and SASLResponse share type 'p'; the auth phase interprets the bytes. */
  | { kind: 'password'; data: Buffer };

export function decodeStartup(body: Buffer): StartupMessage {
  const r = new MessageReader(body, 'startup packet');
  const code = r.i32();
  if (code === SSL_REQUEST_CODE) return r.end(), { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE) return r.end(), { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE) {
    const pid = r.i32();
    const key = r.i32();
    r.end();
    return { kind: 'cancel', pid, key };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) {
    throw PgError.fatal('0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`);
  }
  const params = new Map<string, string>();
  for (;;) {
    const name = r.cstr();
    if (name === '') break;
    params.set(name, r.cstr());
  }
  r.end();
  return { kind: 'startup', major, minor, params };
}

const T = (c: string): number => c.charCodeAt(0);

export function decodeMessage(type: number, body: Buffer): FrontendMessage {
  switch (type) {
    case T('Q'): {
      const r = new MessageReader(body, 'Query');
      const sql = r.cstr();
      r.end();
      return { kind: 'query', sql };
    }
    case T('P'):
      return decodeParse(body);
    case T('B'):
      return decodeBind(body);
    case T('D'):
    case T('C'): {
      const what = type === T('D') ? 'Describe' : 'Close';
      const r = new MessageReader(body, what);
      const target = String.fromCharCode(r.u8());
      if (target !== 'S' && target !== 'P') throw PgError.protocol(`invalid ${what.toUpperCase()} message subtype ${target.charCodeAt(0)}`);
      const name = r.cstr();
      r.end();
      return { kind: type === T('D') ? 'describe' : 'close', target, name };
    }
    case T('E'): {
      const r = new MessageReader(body, 'Execute');
      const portal = r.cstr();
      const maxRows = r.i32();
      r.end();
      return { kind: 'execute', portal, maxRows };
    }
    case T('S'):
      return emptyBody(body, 'Sync'), { kind: 'sync' };
    case T('H'):
      return emptyBody(body, 'Flush'), { kind: 'flush' };
    case T('X'):
      return emptyBody(body, 'Terminate'), { kind: 'terminate' };
    case T('p'):
      return { kind: 'password', data: body };
    case T('F'):
      throw new PgError('0A000', 'the fast-path function call interface is not supported');
    case T('d'):
    case T('c'):
    case T('f'):
      throw PgError.protocol('unexpected COPY message: no COPY is in progress');
    default:
      throw PgError.protocol(`invalid frontend message type ${type} ('${printable(type)}')`);
  }
}

function emptyBody(body: Buffer, what: string): void {
  if (body.length !== 0) throw PgError.protocol(`invalid ${what} message format: ${body.length} unexpected bytes`);
}

function decodeParse(body: Buffer): FrontendMessage {
  const r = new MessageReader(body, 'Parse');
  const name = r.cstr();
  const sql = r.cstr();
  const n = r.i16();
  if (n < 0) throw PgError.protocol(`invalid Parse message format: negative parameter count ${n}`);
  const paramOids: number[] = new Array(n);
  for (let i = 0; i < n; i++) paramOids[i] = r.u32();
  r.end();
  return { kind: 'parse', name, sql, paramOids };
}

function decodeBind(body: Buffer): FrontendMessage {
  const r = new MessageReader(body, 'Bind');
  const portal = r.cstr();
  const statement = r.cstr();
  const paramFormats = readFormats(r, 'parameter format');
  const n = r.i16();
  if (n < 0) throw PgError.protocol(`invalid Bind message format: negative parameter count ${n}`);
  const params: (Buffer | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = r.i32();
    if (len < -1) throw PgError.protocol(`invalid Bind message format: parameter ${i + 1} has length ${len}`);
    params[i] = len === -1 ? null : r.bytes(len);
  }
  const resultFormats = readFormats(r, 'result format');
  r.end();
  return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
}

function readFormats(r: MessageReader, what: string): number[] {
  const n = r.i16();
  if (n < 0) throw PgError.protocol(`invalid Bind message format: negative ${what} count ${n}`);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = r.i16();
    if (f !== 0 && f !== 1) throw new PgError('22023', `unsupported format code: ${f}`);
    out[i] = f;
  }
  return out;
}
