/**
 * array_send for LIST / ARRAY columns: int32 ndim, int32 has-null flag, int32 element OID,
 * ndim × (int32 size, int32 lower bound 1), then each element as int32 length + bytes
 * (-1 for NULL). Nested lists become one multidimensional array, which PostgreSQL requires to
 * be rectangular: a ragged or NULL sub-list cannot be sent in binary.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { BufferWriter } from '../wire/writer.js';
import type { Binder, Bound } from './bound.js';
import { isListType, ListSlices } from './lists.js';

function notRectangular(detail: string): PgError {
  return new PgError(SqlState.DataException, 'nested list cannot be sent as a binary PostgreSQL array', {
    detail,
    hint: 'Request text format for this column, or make the nested lists the same length and not NULL.',
  });
}

class ArrayWriter implements Bound {
  readonly valid: Uint8Array | null;
  private readonly dims: number[];

  constructor(private readonly levels: ListSlices[], private readonly leaf: Bound, private readonly elementOid: number) {
    this.valid = levels[0].valid;
    this.dims = new Array<number>(levels.length);
  }

  write(row: number, w: BufferWriter): void {
    const dims = this.dims;
    dims.fill(-1);
    this.measure(0, row);
    const empty = dims.some((d) => d === 0);
    const ndim = empty ? 0 : dims.length;
    w.i32(ndim);
    const flagAt = w.pos;
    w.i32(0);
    w.i32(this.elementOid);
    for (let d = 0; d < ndim; d++) {
      w.i32(dims[d]);
      w.i32(1);
    }
    if (!empty && this.writeElements(0, row, w)) w.buf.writeInt32BE(1, flagAt);
  }

  /** Records each level's length, checking that every sub-list of a level has the same one. */
  private measure(level: number, index: number): void {
    const slices = this.levels[level];
    if (level > 0 && slices.valid !== null && (slices.valid[index >> 3] & (1 << (index & 7))) === 0) {
      throw notRectangular(`a sub-list at depth ${level + 1} is NULL`);
    }
    const len = slices.length(index);
    if (this.dims[level] === -1) this.dims[level] = len;
    else if (this.dims[level] !== len) throw notRectangular(`sub-lists at depth ${level + 1} have lengths ${this.dims[level]} and ${len}`);
    if (level + 1 < this.levels.length) {
      const first = slices.offset(index);
      for (let i = first; i < first + len; i++) this.measure(level + 1, i);
    }
  }

  /** Writes the leaves under `index` of `level`; returns whether any was NULL. */
  private writeElements(level: number, index: number, w: BufferWriter): boolean {
    const slices = this.levels[level];
    const first = slices.offset(index);
    const end = first + slices.length(index);
    let hasNull = false;
    if (level + 1 < this.levels.length) {
      for (let i = first; i < end; i++) hasNull = this.writeElements(level + 1, i, w) || hasNull;
      return hasNull;
    }
    const leaf = this.leaf;
    const valid = leaf.valid;
    for (let e = first; e < end; e++) {
      if (valid !== null && (valid[e >> 3] & (1 << (e & 7))) === 0) {
        w.i32(-1);
        hasNull = true;
        continue;
      }
      const at = w.reserveLen();
      leaf.write(e, w);
      w.patchLen(at);
    }
    return hasNull;
  }
}

/** `t` is a LIST/ARRAY type; `leafBinder` writes its innermost elements in binary. */
export function arrayBinary(t: DuckDBType, leafBinder: Binder, elementOid: number): Binder {
  const levelTypes: DuckDBType[] = [];
  let e = t;
  while (isListType(e)) {
    levelTypes.push(e);
    e = e.valueType;
  }
  return (vector) => {
    const levels: ListSlices[] = [];
    let v = vector;
    for (const lt of levelTypes) {
      const slices = new ListSlices(v, lt);
      levels.push(slices);
      v = slices.child;
    }
    return new ArrayWriter(levels, leafBinder(v), elementOid);
  };
}
