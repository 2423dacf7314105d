/**
 * LIST and ARRAY vectors seen the same way: each row is a slice of one flat child vector.
 */
import { DuckDBTypeId, type DuckDBArrayType, type DuckDBListType, type DuckDBType, type DuckDBVector } from '@duckdb/node-api';
import { arrayChild, listParts, validityBits } from './raw.js';

export class ListSlices {
  readonly valid: Uint8Array | null;
  readonly child: DuckDBVector;
  private readonly entries: Uint32Array | null;
  private readonly fixedLength: number;

  constructor(vector: DuckDBVector, type: DuckDBType) {
    this.valid = validityBits(vector);
    if (type.typeId === DuckDBTypeId.ARRAY) {
      this.child = arrayChild(vector);
      this.entries = null;
      this.fixedLength = type.length;
    } else {
      const parts = listParts(vector);
      this.child = parts.child;
      this.entries = parts.entries;
      this.fixedLength = 0;
    }
  }

  /** First child row of `row`. */
  offset(row: number): number {
    return this.entries === null ? row * this.fixedLength : this.entries[row << 2] + this.entries[(row << 2) + 1] * 4294967296;
  }

  length(row: number): number {
    return this.entries === null ? this.fixedLength : this.entries[(row << 2) + 2];
  }
}

export function isListType(t: DuckDBType): t is DuckDBListType | DuckDBArrayType {
  return t.typeId === DuckDBTypeId.LIST || t.typeId === DuckDBTypeId.ARRAY;
}
