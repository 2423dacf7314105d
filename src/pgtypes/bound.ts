/**
 * The building block of every encoder: a value writer bound to one vector.
 *
 * Binding happens once per vector (once per chunk for a column, once per chunk for the child
 * of a LIST or STRUCT); it pulls the typed arrays out of the vector so that writing a value is
 * plain array reads and byte stores. `write` never handles NULL (the caller checks `valid`
 * first) and never writes a length word: the same writer serves top-level values, array
 * elements and JSON members.
 */
import type { DuckDBVector } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';

export interface Bound {
  /** Validity bits (bit r of byte r>>3), or null when every row is valid. */
  readonly valid: Uint8Array | null;
  /** Writes the value at `row` (which is valid). Ensures its own capacity. */
  write(row: number, w: BufferWriter): void;
}

export type Binder = (vector: DuckDBVector) => Bound;

/** Time zone and other session settings that change how values are printed. */
export interface EncodeContext {
  /** IANA zone name for timestamptz text, e.g. 'UTC', 'Europe/Paris'. */
  timeZone: string;
}
