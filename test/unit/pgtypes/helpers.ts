/**
 * Runs a query on DuckDB, encodes its rows with pgtypes, and parses the DataRows back, so
 * tests compare exactly the bytes a client would receive with PostgreSQL's.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { makeRowWriter, type EncodeContext } from '../../../src/pgtypes/encode.js';
import { pgTypeOf } from '../../../src/pgtypes/mapping.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { parseDataRow, PgRaw, type RawResult } from './pg-raw.js';

export const UTC: EncodeContext = { timeZone: 'UTC' };

export async function openDuck(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  return instance.connect();
}

export interface DuckEncoded extends RawResult {
  types: DuckDBType[];
}

/** Streams `sql` and encodes every chunk into DataRows, then splits them back into values. */
export async function duckEncode(conn: DuckDBConnection, sql: string, format: 0 | 1, ctx: EncodeContext = UTC): Promise<DuckEncoded> {
  const result = await conn.stream(sql);
  const types = result.columnTypes();
  const write = makeRowWriter(types, [format], ctx);
  const w = new BufferWriter(64);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    write(chunk, w);
  }
  const bytes = w.take();
  const rows: (Buffer | null)[][] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0x44) throw new Error(`expected a DataRow at ${pos}`);
    const len = bytes.readInt32BE(pos + 1);
    rows.push(parseDataRow(bytes.subarray(pos + 5, pos + 1 + len)));
    pos += len + 1;
  }
  return {
    types,
    oids: types.map((t) => pgTypeOf(t).oid),
    typmods: types.map((t) => pgTypeOf(t).typmod),
    rows,
  };
}

/** One value compared in both systems: a DuckDB expression and the PostgreSQL one that means the same. */
export interface Case {
  duck: string;
  pg: string;
}

export interface Mismatch {
  index: number;
  duck: string;
  pg: string;
  oids: [number, number];
  got: string | null;
  want: string | null;
}

function show(v: Buffer | null, format: 0 | 1): string | null {
  if (v === null) return null;
  return format === 0 ? v.toString('utf8') : v.toString('hex');
}

/**
 * Selects every case in one row on both sides and returns the cases whose type OID or bytes
 * differ (an empty array means all match).
 */
export async function compareWithPg(conn: DuckDBConnection, pg: PgRaw, cases: Case[], format: 0 | 1, ctx: EncodeContext = UTC): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  // PostgreSQL caps a select list at 1664 entries.
  for (let from = 0; from < cases.length; from += 1000) {
    const batch = cases.slice(from, from + 1000);
    const duck = await duckEncode(conn, `SELECT ${batch.map((c) => c.duck).join(', ')}`, format, ctx);
    const ref = await pg.query(`SELECT ${batch.map((c) => c.pg).join(', ')}`, format);
    batch.forEach((c, i) => {
      const got = show(duck.rows[0][i], format);
      const want = show(ref.rows[0][i], format);
      if (got !== want || duck.oids[i] !== ref.oids[i]) {
        out.push({ index: from + i, duck: c.duck, pg: c.pg, oids: [duck.oids[i], ref.oids[i]], got, want });
      }
    });
  }
  return out;
}

/** Cases where both sides use the same SQL text. */
export function same(...exprs: string[]): Case[] {
  return exprs.map((e) => ({ duck: e, pg: e }));
}
