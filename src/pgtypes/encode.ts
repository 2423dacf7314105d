/**
 * Column encoders and the DataRow writer: what the wire server calls for every value it sends.
 *
 * An encoder binds itself to a vector the first time it sees it (once per chunk) and then
 * writes each value as int32 length + bytes, or int32 -1 for NULL, straight into the
 * BufferWriter. Vectors must not change while an encoder is bound to them (node-api creates
 * new vector objects for every chunk).
 * DataRow: https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBType, type DuckDBVector } from '@duckdb/node-api';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { BufferWriter } from '../wire/writer.js';
import { arrayBinary } from './binary-array.js';
import { scalarBinaryBinder } from './binary.js';
import type { Binder, Bound, EncodeContext } from './bound.js';
import { fastBinaryEncoder } from './fast-binary.js';
import { fastTextEncoder } from './fast.js';
import { nativeRowWriter, nativeTextKinds } from './native-rows.js';
import { jsonBinder } from './json.js';
import { innermostElement, pgTypeOf, scalarOid } from './mapping.js';
import { pgTypeInfo } from './oids.js';
import { alwaysNull } from './scalar-text.js';
import { isListType } from './lists.js';
import { textBinder, zoneOffsets } from './text.js';
import type { ZoneOffsets } from './tz.js';

export type { EncodeContext } from './bound.js';

/** Writes one value: int32 length then bytes, or int32 -1 for NULL. */
export type ColumnEncoder = (vector: DuckDBVector, row: number, w: BufferWriter) => void;

export type FormatCode = 0 | 1;

function isJsonType(t: DuckDBType): boolean {
  return t.typeId === DuckDBTypeId.STRUCT || t.typeId === DuckDBTypeId.MAP || t.typeId === DuckDBTypeId.UNION;
}

function unsupportedBinary(t: DuckDBType): PgError {
  const name = pgTypeInfo(pgTypeOf(t).oid)?.name ?? t.toString();
  return new PgError(SqlState.FeatureNotSupported, `binary format is not supported for type ${name}`, {
    detail: `DuckDB type ${t.toString()}`,
  });
}

function leafBinaryBinder(t: DuckDBType, zone: ZoneOffsets, column: DuckDBType): Binder {
  if (isJsonType(t)) return jsonBinder(t, zone);
  if (t.typeId === DuckDBTypeId.SQLNULL) return alwaysNull;
  const binder = scalarBinaryBinder(t);
  if (binder === undefined) throw unsupportedBinary(column);
  return binder;
}

function binaryBinder(t: DuckDBType, zone: ZoneOffsets): Binder {
  if (!isListType(t)) return leafBinaryBinder(t, zone, t);
  const leaf = innermostElement(t);
  return arrayBinary(t, leafBinaryBinder(leaf, zone, t), scalarOid(leaf));
}

/** Wraps a value writer with the per-vector binding, the NULL check and the length word. */
function lengthPrefixed(binder: Binder): ColumnEncoder {
  let last: DuckDBVector | undefined;
  let bound: Bound;
  return (vector, row, w) => {
    if (vector !== last) {
      bound = binder(vector);
      last = vector;
    }
    const valid = bound.valid;
    if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) {
      w.i32(-1);
      return;
    }
    const at = w.reserveLen();
    bound.write(row, w);
    w.patchLen(at);
  };
}

/**
 * The encoder of a column of DuckDB type `t` in wire format `format`. Throws PgError 0A000
 * when the type cannot be sent (in that format), so the server can refuse before sending rows.
 */
export function columnEncoder(t: DuckDBType, format: FormatCode, ctx: EncodeContext): ColumnEncoder {
  pgTypeOf(t); // rejects types without a PostgreSQL counterpart
  const zone = zoneOffsets(ctx.timeZone);
  if (format === 0) return fastTextEncoder(t, zone) ?? lengthPrefixed(textBinder(t, zone));
  if (format === 1) {
    const generic = (): ColumnEncoder => lengthPrefixed(binaryBinder(t, zone));
    return fastBinaryEncoder(t, generic) ?? generic();
  }
  throw PgError.protocol(`invalid format code ${format as number}`);
}

/** The same encoder without the specialised fast paths of fast.ts (the reference they are tested against). */
export function genericColumnEncoder(t: DuckDBType, format: FormatCode, ctx: EncodeContext): ColumnEncoder {
  const zone = zoneOffsets(ctx.timeZone);
  return lengthPrefixed(format === 0 ? textBinder(t, zone) : binaryBinder(t, zone));
}

/** Applies Bind's result-format rule: none = all text, one = for all columns, else one each. */
export function resultFormats(formats: readonly number[], columnCount: number): FormatCode[] {
  if (formats.length !== 0 && formats.length !== 1 && formats.length !== columnCount) {
    throw PgError.protocol(`bind message has ${formats.length} result formats but query has ${columnCount} columns`);
  }
  const out: FormatCode[] = [];
  for (let i = 0; i < columnCount; i++) {
    const f = formats.length === 0 ? 0 : formats.length === 1 ? formats[0] : formats[i];
    if (f !== 0 && f !== 1) throw PgError.protocol(`invalid format code ${f}`);
    out.push(f);
  }
  return out;
}

export type RowWriter = (chunk: DuckDBDataChunk, w: BufferWriter, fromRow?: number, toRow?: number) => void;

const DATA_ROW = 0x44; // 'D'

/**
 * Writes one DataRow message per chunk row in [fromRow, toRow). `formats` follows Bind's rule
 * (empty, one, or one per column). If an encoder throws, the partial row is removed from `w`
 * before the error propagates, so `w` holds only whole messages.
 */
export function makeRowWriter(types: DuckDBType[], formats: readonly FormatCode[], ctx: EncodeContext): RowWriter {
  const codes = resultFormats(formats, types.length);
  const javascript = javascriptRowWriter(types, codes, ctx);
  // decided at the first call with enough rows: a native call costs more than JavaScript on a row or two
  let native: ((chunk: DuckDBDataChunk, w: BufferWriter, fromRow: number, toRow: number) => void) | null | undefined;
  return (chunk, w, fromRow = 0, toRow = chunk.rowCount) => {
    if (toRow - fromRow < NATIVE_MIN_ROWS) return javascript(chunk, w, fromRow, toRow);
    if (native === undefined) {
      const kinds = nativeTextKinds(types, codes, ctx);
      native = kinds && nativeRowWriter(kinds, javascript);
    }
    return native ? native(chunk, w, fromRow, toRow) : javascript(chunk, w, fromRow, toRow);
  };
}

/** Fewer rows than this are written by JavaScript (same bytes; cheaper without the native call's set-up). */
const NATIVE_MIN_ROWS = 8;

/** The JavaScript row writer (the reference for the native one, and the only one for other types and binary). */
export function javascriptRowWriter(types: DuckDBType[], codes: readonly FormatCode[], ctx: EncodeContext): RowWriter {
  const columnCount = types.length;
  const encoders = types.map((t, i) => columnEncoder(t, codes[i], ctx));
  const neverRead = types.map((t) => t.typeId === DuckDBTypeId.SQLNULL);
  const vectors = new Array<DuckDBVector>(columnCount);
  return (chunk, w, fromRow = 0, toRow = chunk.rowCount) => {
    for (let c = 0; c < columnCount; c++) vectors[c] = neverRead[c] ? (null as unknown as DuckDBVector) : chunk.getColumnVector(c);
    let start = w.pos;
    try {
      for (let row = fromRow; row < toRow; row++) {
        start = w.pos;
        w.ensure(7);
        const buf = w.buf;
        buf[start] = DATA_ROW;
        buf[start + 5] = columnCount >> 8;
        buf[start + 6] = columnCount & 0xff;
        w.pos = start + 7;
        for (let c = 0; c < columnCount; c++) encoders[c](vectors[c], row, w);
        w.buf.writeInt32BE(w.pos - start - 1, start + 1);
      }
    } catch (err) {
      w.pos = start;
      throw err;
    }
  };
}
