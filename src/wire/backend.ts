import type { PgError } from './pg-error.js';
import type { BufferWriter } from './writer.js';

/**
 * Backend (server → client) messages, written into a BufferWriter.
 * https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
const T = (c: string): number => c.charCodeAt(0);

export interface FieldDescription {
  name: string;
  /** Table OID and column number: 0 — Sirius columns are not backed by PostgreSQL tables. */
  tableOid: number;
  columnNumber: number;
  typeOid: number;
  typeLen: number;
  typeMod: number;
  format: 0 | 1;
}

export const AUTH_OK = 0;
export const AUTH_CLEARTEXT = 3;
export const AUTH_MD5 = 5;
export const AUTH_SASL = 10;
export const AUTH_SASL_CONTINUE = 11;
export const AUTH_SASL_FINAL = 12;

export function authenticationOk(w: BufferWriter): void {
  w.begin(T('R')).i32(AUTH_OK).end();
}

export function authenticationCleartext(w: BufferWriter): void {
  w.begin(T('R')).i32(AUTH_CLEARTEXT).end();
}

export function authenticationMd5(w: BufferWriter, salt: Buffer): void {
  w.begin(T('R')).i32(AUTH_MD5).bytes(salt).end();
}

export function authenticationSasl(w: BufferWriter, mechanisms: string[]): void {
  w.begin(T('R')).i32(AUTH_SASL);
  for (const m of mechanisms) w.cstr(m);
  w.u8(0).end();
}

export function authenticationSaslContinue(w: BufferWriter, data: Buffer): void {
  w.begin(T('R')).i32(AUTH_SASL_CONTINUE).bytes(data).end();
}

export function authenticationSaslFinal(w: BufferWriter, data: Buffer): void {
  w.begin(T('R')).i32(AUTH_SASL_FINAL).bytes(data).end();
}

export function parameterStatus(w: BufferWriter, name: string, value: string): void {
  w.begin(T('S')).cstr(name).cstr(value).end();
}

export function backendKeyData(w: BufferWriter, pid: number, key: number): void {
  w.begin(T('K')).i32(pid).i32(key).end();
}

export type TransactionStatus = 'I' | 'T' | 'E';

export function readyForQuery(w: BufferWriter, status: TransactionStatus): void {
  w.begin(T('Z')).u8(T(status)).end();
}

export function negotiateProtocolVersion(w: BufferWriter, newestMinor: number, unsupported: string[]): void {
  w.begin(T('v')).i32(newestMinor).i32(unsupported.length);
  for (const o of unsupported) w.cstr(o);
  w.end();
}

export function rowDescription(w: BufferWriter, fields: FieldDescription[]): void {
  w.begin(T('T')).i16(fields.length);
  for (const f of fields) {
    w.cstr(f.name).i32(f.tableOid).i16(f.columnNumber).u32(f.typeOid).i16(f.typeLen).i32(f.typeMod).i16(f.format);
  }
  w.end();
}

export function parameterDescription(w: BufferWriter, oids: number[]): void {
  w.begin(T('t')).i16(oids.length);
  for (const o of oids) w.u32(o);
  w.end();
}

/** A DataRow of text values (null → SQL NULL); the hot path for query results lives in pgtypes. */
export function dataRowText(w: BufferWriter, values: (string | null)[]): void {
  w.begin(T('D')).i16(values.length);
  for (const v of values) {
    if (v === null) w.i32(-1);
    else w.lenStr(v);
  }
  w.end();
}

export function commandComplete(w: BufferWriter, tag: string): void {
  w.begin(T('C')).cstr(tag).end();
}

export function emptyQueryResponse(w: BufferWriter): void {
  w.begin(T('I')).end();
}

export function parseComplete(w: BufferWriter): void {
  w.begin(T('1')).end();
}

export function bindComplete(w: BufferWriter): void {
  w.begin(T('2')).end();
}

export function closeComplete(w: BufferWriter): void {
  w.begin(T('3')).end();
}

export function noData(w: BufferWriter): void {
  w.begin(T('n')).end();
}

export function portalSuspended(w: BufferWriter): void {
  w.begin(T('s')).end();
}

/** ErrorResponse ('E') or NoticeResponse ('N'): https://www.postgresql.org/docs/15/protocol-error-fields.html */
function fields(w: BufferWriter, type: number, severity: string, code: string, e: Omit<Partial<PgError>, 'severity' | 'code'> & { message: string }): void {
  w.begin(type);
  w.u8(T('S')).cstr(severity);
  w.u8(T('V')).cstr(severity);
  w.u8(T('C')).cstr(code);
  w.u8(T('M')).cstr(e.message);
  if (e.detail) w.u8(T('D')).cstr(e.detail);
  if (e.hint) w.u8(T('H')).cstr(e.hint);
  if (e.position) w.u8(T('P')).cstr(String(e.position));
  w.u8(0).end();
}

export function errorResponse(w: BufferWriter, e: PgError): void {
  fields(w, T('E'), e.severity, e.code, e);
}

export function noticeResponse(w: BufferWriter, message: string, opts: { severity?: string; code?: string; detail?: string } = {}): void {
  fields(w, T('N'), opts.severity ?? 'NOTICE', opts.code ?? '00000', { message, detail: opts.detail });
}

/** The one byte answering SSLRequest/GSSENCRequest: 'S' (TLS follows) or 'N'. */
export function sslResponse(accept: boolean): Buffer {
  return Buffer.from(accept ? 'S' : 'N');
}
