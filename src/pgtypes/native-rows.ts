import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { syncAddon } from '../engine/sync-addon.js';
import type { BufferWriter } from '../wire/writer.js';
import type { EncodeContext } from './bound.js';
import { isUtcZone } from './tz.js';

/**
 * DataRows in text format written by native code (native/text_rows.c) for the
 * column types of the JavaScript fast path (fast.ts): the same bytes, about
 * ten times faster. A row holding a value the native encoder declines (a
 * double without a short decimal form, a timestamp outside years 1..9999) is
 * written by the JavaScript row writer, then the native one goes on.
 * See docs/decisions.md, "Text rows encoded natively".
 */

/** native/text_rows.h's column kinds. */
const NATIVE_KIND: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.BOOLEAN]: 1,
  [DuckDBTypeId.TINYINT]: 2,
  [DuckDBTypeId.SMALLINT]: 3,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.BIGINT]: 5,
  [DuckDBTypeId.UTINYINT]: 6,
  [DuckDBTypeId.USMALLINT]: 7,
  [DuckDBTypeId.UINTEGER]: 8,
  [DuckDBTypeId.DOUBLE]: 9,
  [DuckDBTypeId.VARCHAR]: 10,
  [DuckDBTypeId.TIMESTAMP]: 11,
};
const TIMESTAMP_UTC = 12;
const MAX_COLUMNS = 1664;

const DONE = 0;
const NEED_SPACE = 1;
const DECLINED = 2;

/** The native kinds of the columns, or null when some column (or the format) is not one native code writes. */
export function nativeTextKinds(types: readonly DuckDBType[], formats: readonly number[], ctx: EncodeContext): Int32Array | null {
  if (types.length === 0 || types.length > MAX_COLUMNS || formats.some((f) => f !== 0)) return null;
  const kinds = new Int32Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const id = types[i].typeId;
    const kind = id === DuckDBTypeId.TIMESTAMP_TZ ? (isUtcZone(ctx.timeZone) ? TIMESTAMP_UTC : undefined) : NATIVE_KIND[id];
    if (kind === undefined) return null;
    kinds[i] = kind;
  }
  return kinds;
}

type ChunkRows = (chunk: DuckDBDataChunk, w: BufferWriter, fromRow: number, toRow: number) => void;

/** A row writer over native code, with `javascript` (the same columns' writer) for the rows it declines. */
export function nativeRowWriter(kinds: Int32Array, javascript: ChunkRows): ChunkRows {
  const state = new Float64Array(4);
  return (chunk, w, fromRow, toRow) => {
    const handle = (chunk as unknown as { chunk: object }).chunk;
    let row = fromRow;
    while (row < toRow) {
      state[0] = w.pos;
      state[1] = row;
      state[2] = toRow;
      const status = syncAddon.encodeTextRows(handle, kinds, w.buf, state);
      w.pos = state[0];
      row = state[1];
      if (status === DONE) return;
      if (status === NEED_SPACE) w.ensure(state[3]);
      else if (status === DECLINED) javascript(chunk, w, row, ++row);
    }
  };
}
