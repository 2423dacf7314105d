/**
 * Direct access to the memory behind @duckdb/node-api vectors.
 *
 * The public vector API returns one JS object per value (getItem), which is
 * both slow and, for timestamps and decimals, easy to misuse. The encoders read
 * the typed arrays that node-api keeps on each vector instead. Those fields are
 * `private` in the .d.ts but plain properties at run time; this file is the only
 * place that touches them, and every accessor checks the shape it expects so a
 * node-api upgrade that changes it fails loudly (test/unit/pgtypes/raw.test.ts
 * pins each one).
 */
import type { DuckDBVector } from '@duckdb/node-api';

type Fields = Record<string, unknown>;

function field(vector: DuckDBVector, name: string): unknown {
  return (vector as unknown as Fields)[name];
}

function layoutError(vector: DuckDBVector, what: string): Error {
  return new Error(`@duckdb/node-api ${vector.constructor.name} no longer exposes ${what}; update src/pgtypes/raw.ts`);
}

/**
 * The validity bitmap as bytes (bit r of byte r>>3 is row r, little-endian words),
 * or null when every row is valid.
 */
export function validityBits(vector: DuckDBVector): Uint8Array | null {
  const validity = field(vector, 'validity') as { data?: unknown; offset?: unknown } | undefined;
  if (validity === undefined || !('data' in validity)) throw layoutError(vector, 'validity.data');
  if (validity.offset !== 0) throw layoutError(vector, 'an unsliced validity (offset 0)');
  const data = validity.data;
  if (data === null) return null;
  if (!(data instanceof BigUint64Array)) throw layoutError(vector, 'validity.data as BigUint64Array');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function isValid(bits: Uint8Array | null, row: number): boolean {
  return bits === null || (bits[row >> 3] & (1 << (row & 7))) !== 0;
}

type TypedArrayCtor<T> = { new (...args: never[]): T; readonly name: string };

/** The `items` typed array of a fixed-width vector (ints, floats, dates, times, timestamps, enums). */
export function itemsOf<T>(vector: DuckDBVector, ctor: TypedArrayCtor<T>): T {
  const items = field(vector, 'items');
  if (!(items instanceof ctor)) throw layoutError(vector, `items as ${ctor.name}`);
  return items;
}

/** The whole data area of a vector stored through a DataView (booleans, 16-byte values, string_t). */
export function bytesOf(vector: DuckDBVector): Uint8Array {
  const view = field(vector, 'dataView');
  if (!(view instanceof DataView)) throw layoutError(vector, 'dataView');
  if (field(vector, 'itemOffset') !== undefined && field(vector, 'itemOffset') !== 0) {
    throw layoutError(vector, 'an unsliced dataView (itemOffset 0)');
  }
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A signed 32-bit view of a 64-bit items array: word 2r is the low half of row r, 2r+1 the high half. */
export function int64Words(items: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(items.buffer, items.byteOffset, items.length * 2);
}

/** Reads an int64 held as (lo, hi) words as a number when it is exact (|v| < 2^53), else NaN. */
export function int64ToNumber(lo: number, hi: number): number {
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + (lo >>> 0);
  return Number.NaN;
}

/** Child vector and (offset, length) words of a LIST vector. */
export interface ListParts {
  child: DuckDBVector;
  /** Uint32 view of the list entries: row r spans child rows [e[4r], e[4r] + e[4r+2]). */
  entries: Uint32Array;
}

export function listParts(vector: DuckDBVector): ListParts {
  const entryData = field(vector, 'entryData');
  const child = field(vector, 'childData') as DuckDBVector | undefined;
  if (!(entryData instanceof BigUint64Array)) throw layoutError(vector, 'entryData');
  if (field(vector, 'itemOffset') !== 0) throw layoutError(vector, 'an unsliced list (itemOffset 0)');
  if (child === undefined) throw layoutError(vector, 'childData');
  return { child, entries: new Uint32Array(entryData.buffer, entryData.byteOffset, entryData.length * 2) };
}

/** Child vector of a fixed-size ARRAY vector (row r's elements are child rows r*length …). */
export function arrayChild(vector: DuckDBVector): DuckDBVector {
  const child = field(vector, 'childData') as DuckDBVector | undefined;
  if (child === undefined) throw layoutError(vector, 'childData');
  return child;
}

/** Entry vectors of a STRUCT vector, in declaration order. */
export function structEntries(vector: DuckDBVector): DuckDBVector[] {
  const entries = field(vector, 'entryVectors');
  if (!Array.isArray(entries)) throw layoutError(vector, 'entryVectors');
  return entries as DuckDBVector[];
}

/** The LIST(STRUCT(key, value)) vector behind a MAP vector. */
export function mapList(vector: DuckDBVector): DuckDBVector {
  const list = field(vector, 'listVector') as DuckDBVector | undefined;
  if (list === undefined) throw layoutError(vector, 'listVector');
  return list;
}

/** The STRUCT(tag, member…) vector behind a UNION vector. */
export function unionStruct(vector: DuckDBVector): DuckDBVector {
  const struct = field(vector, 'structVector') as DuckDBVector | undefined;
  if (struct === undefined) throw layoutError(vector, 'structVector');
  return struct;
}
