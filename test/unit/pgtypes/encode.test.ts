/**
 * makeRowWriter: DataRow framing, Bind's result-format rule, row ranges, per-column formats,
 * and the session time zone check.
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnEncoder, makeRowWriter, resultFormats } from '../../../src/pgtypes/encode.js';
import { checkTimeZone } from '../../../src/pgtypes/tz.js';
import { PgError } from '../../../src/wire/pg-error.js';
import { BufferWriter } from '../../../src/wire/writer.js';
import { openDuck, UTC } from './helpers.js';
import { parseDataRow } from './pg-raw.js';

let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await openDuck();
});

afterAll(() => duck.closeSync());

function dataRows(bytes: Buffer): (Buffer | null)[][] {
  const rows: (Buffer | null)[][] = [];
  for (let pos = 0; pos < bytes.length; ) {
    expect(String.fromCharCode(bytes[pos])).toBe('D');
    const len = bytes.readInt32BE(pos + 1);
    rows.push(parseDataRow(bytes.subarray(pos + 5, pos + 1 + len)));
    pos += 1 + len;
  }
  return rows;
}

async function chunkOf(sql: string): Promise<{ types: DuckDBType[]; chunk: DuckDBDataChunk }> {
  const result = await duck.stream(sql);
  return { types: result.columnTypes(), chunk: (await result.fetchChunk())! };
}

describe('makeRowWriter', () => {
  it('writes one framed DataRow per row in [fromRow, toRow)', async () => {
    const { types, chunk } = await chunkOf("SELECT i::INTEGER, 'v' || i FROM range(10) t(i)");
    const w = new BufferWriter(16);
    makeRowWriter(types, [], UTC)(chunk, w, 3, 6);
    const rows = dataRows(w.take());
    expect(rows.map((r) => r.map((v) => v!.toString()))).toEqual([['3', 'v3'], ['4', 'v4'], ['5', 'v5']]);
  });

  it('applies one format per column', async () => {
    const { types, chunk } = await chunkOf("SELECT 258::INTEGER, 258::INTEGER, NULL::VARCHAR");
    const w = new BufferWriter(16);
    makeRowWriter(types, [0, 1, 1], UTC)(chunk, w);
    const [row] = dataRows(w.take());
    expect(row[0]!.toString()).toBe('258');
    expect([...row[1]!]).toEqual([0, 0, 1, 2]);
    expect(row[2]).toBeNull();
  });

  it('repeats constant columns on every row of every chunk', async () => {
    const result = await duck.stream("SELECT 42 AS c, 'a constant longer than twelve' AS s, [1, 2] AS l, NULL::INTEGER AS n FROM range(5000)");
    const write = makeRowWriter(result.columnTypes(), [0], UTC);
    const w = new BufferWriter(16);
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) write(chunk, w);
    const rows = dataRows(w.take()).map((r) => r.map((v) => v?.toString() ?? null));
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify(['42', 'a constant longer than twelve', '{1,2}', null])]));
  });

  it('never reads the vector of a SQLNULL column', () => {
    const chunk = { rowCount: 2, getColumnVector: () => { throw new Error('read'); } } as unknown as DuckDBDataChunk;
    const w = new BufferWriter(16);
    makeRowWriter([{ typeId: DuckDBTypeId.SQLNULL } as DuckDBType], [1], UTC)(chunk, w);
    expect(dataRows(w.take())).toEqual([[null], [null]]);
  });
});

describe('resultFormats', () => {
  it('follows Bind: none → text, one → all, else one per column', () => {
    expect(resultFormats([], 3)).toEqual([0, 0, 0]);
    expect(resultFormats([1], 3)).toEqual([1, 1, 1]);
    expect(resultFormats([0, 1, 0], 3)).toEqual([0, 1, 0]);
  });

  it('refuses a wrong count or code as a protocol violation', () => {
    expect(() => resultFormats([0, 1], 3)).toThrow(expect.objectContaining({ code: '08P01' }));
    expect(() => resultFormats([2], 1)).toThrow(expect.objectContaining({ code: '08P01' }));
  });
});

describe('time zones', () => {
  it('accepts IANA names in any case and refuses others with 22023', () => {
    expect(() => checkTimeZone('Europe/Paris')).not.toThrow();
    expect(() => checkTimeZone('utc')).not.toThrow();
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(PgError);
    expect(() => columnEncoder({ typeId: DuckDBTypeId.TIMESTAMP_TZ } as DuckDBType, 0, { timeZone: 'Mars/Olympus' }))
      .toThrow(expect.objectContaining({ code: '22023' }));
  });
});
