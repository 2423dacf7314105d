import type { DuckDBDataChunk, DuckDBPreparedStatement, DuckDBType } from '@duckdb/node-api';
import type { ChunkStream } from '../engine/engine.js';
import { makeRowWriter, type EncodeContext, type RowWriter } from '../pgtypes/encode.js';
import { pgTypeOf } from '../pgtypes/mapping.js';
import type { FieldDescription } from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { BoundKey } from './bound-statement.js';
import type { ColumnInfo, PreparedQuery } from './prepare.js';

/**
 * A bound statement and, once executed, its position in the result.
 * Portals survive Syncs inside a transaction block, so a result may be
 * read in several Execute(maxRows) steps.
 */
export class Portal {
  started = false;
  done = false;
  stream: ChunkStream | null = null;
  /** The chunk being sent and the next row of it. */
  chunk: DuckDBDataChunk | null = null;
  /** Columns DuckDB folded to NULL constants after a NULL parameter (execute.ts checkResultShape). */
  nullColumns: number[] | null = null;
  row = 0;
  /** Remaining chunks read into memory because another statement needed the DuckDB connection. */
  private parked: DuckDBDataChunk[] | null = null;
  /** A statement prepared for this execution (over freshly bound views): freed with the portal, or parked for reuse. */
  ownStatement: DuckDBPreparedStatement | null = null;
  /** The text and TEMP VIEW versions ownStatement was prepared from; null: never reused (admin calls). */
  ownKey: BoundKey | null = null;
  /** Unpin the partition files the statement reads (lakehouse views). */
  releases: (() => void)[] = [];
  /** The fetch already started for the chunk after the current one. */
  private ahead: Promise<DuckDBDataChunk | null> | null = null;
  private closed = false;
  readonly fields: FieldDescription[] | null;
  /** Encodes the rows of the types in RowDescription; those of the execution when they vary (useResultTypes). */
  writeRows: RowWriter | null;
  private readonly resultFormats: (0 | 1)[] = [];

  constructor(
    readonly name: string,
    readonly query: PreparedQuery,
    readonly params: (Buffer | null)[],
    readonly paramFormats: number[],
    resultFormats: number[],
    private readonly ctx: EncodeContext,
  ) {
    query.retain();
    const cols = query.columns;
    if (!cols) {
      this.fields = null;
      this.writeRows = null;
      return;
    }
    const formats = expandFormats(resultFormats, cols.length, 'result formats', 'columns');
    this.resultFormats = formats;
    // a statement executed again and again is described and encoded the same way each time
    const key = `${ctx.timeZone}\u0000${formats.join('')}`;
    let shape = query.resultShapes.get(key);
    if (!shape) {
      shape = { fields: fieldsOf(cols, formats), writeRows: makeRowWriter(cols.map((c) => c.type), formats, ctx) };
      if (query.resultShapes.size >= 8) query.resultShapes.clear();
      query.resultShapes.set(key, shape);
    }
    this.fields = shape.fields;
    this.writeRows = shape.writeRows;
  }

  /** The execution's own result types (numeric parameters' scales): rows are encoded with those. */
  useResultTypes(types: DuckDBType[]): void {
    this.writeRows = makeRowWriter(types, this.resultFormats, this.ctx);
  }

  /**
   * The next chunk. While the caller encodes and sends one chunk, DuckDB
   * already computes the next one (one fetch ahead), so the socket is not
   * left idle at chunk boundaries.
   */
  async nextChunk(): Promise<DuckDBDataChunk | null> {
    if (this.parked) return this.parked.shift() ?? null;
    const stream = this.stream;
    if (!stream) return null;
    const chunk = await (this.ahead ?? stream.next());
    this.ahead = chunk ? stream.next() : null;
    // a fetch nobody awaits (portal closed early) must not become an unhandled rejection
    this.ahead?.catch(() => undefined);
    return chunk;
  }

  /** Reads the rest of a running result into memory so the connection can run something else. */
  async park(): Promise<void> {
    if (!this.started || this.done || this.parked || !this.stream) return;
    const rest: DuckDBDataChunk[] = [];
    for (let c = await this.nextChunk(); c; c = await this.nextChunk()) rest.push(c);
    this.parked = rest;
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      const own = this.ownStatement;
      this.ownStatement = null;
      // handed back before the query is closed, so a query freed by this close frees it too
      if (own && this.ownKey) this.query.bound.give(own, this.ownKey);
      else own?.destroySync();
      this.query.close();
      for (const release of this.releases.splice(0)) release();
    }
    this.done = true;
    this.stream = null;
    this.ahead = null;
    this.chunk = null;
    this.parked = null;
  }
}

function fieldsOf(cols: readonly ColumnInfo[], formats: readonly (0 | 1)[]): FieldDescription[] {
  return cols.map((c, i) => {
    const t = pgTypeOf(c.type);
    // a numeric whose scale follows a bound value: any scale, as PostgreSQL's unconstrained numeric
    const typeMod = c.varies ? -1 : t.typmod;
    return { name: c.name, tableOid: 0, columnNumber: 0, typeOid: t.oid, typeLen: t.typlen, typeMod, format: formats[i] };
  });
}

/** Format codes: none → all text, one → all columns, n → one per column. */
export function expandFormats(codes: number[], n: number, what: string, of: string): (0 | 1)[] {
  if (codes.length === 0) return new Array(n).fill(0);
  if (codes.length === 1) return new Array(n).fill(codes[0]);
  if (codes.length !== n) {
    throw PgError.protocol(`bind message has ${codes.length} ${what} but query has ${n} ${of}`);
  }
  return codes as (0 | 1)[];
}

export function checkParamCount(statement: string, supplied: number, required: number): void {
  if (supplied !== required) {
    throw new PgError(
      SqlState.ProtocolViolation,
      `bind message supplies ${supplied} parameters, but prepared statement "${statement}" requires ${required}`,
    );
  }
}
