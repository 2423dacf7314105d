/**
 * DataRow encoding throughput of src/pgtypes: 1,000,000 rows × (int4, int8, float8, text 40 B,
 * timestamptz, bool) from real DuckDB chunks, in text and binary format.
 *
 * Figures (rows/s, median of RUNS):
 *   - fetch only: streaming the chunks of a DuckDB table, no encoding;
 *   - encode only: makeRowWriter over chunks already fetched;
 *   - fetch + encode: both, as the server does;
 *   - baseline: fetch + the same DataRows built with node-api's getItem() + String(), the
 *     obvious implementation (on its own chunks: getItem caches every value it returns);
 *   - PostgreSQL 15: the reference server sending the same rows of a table (text) to a raw
 *     socket that only frames messages, i.e. PostgreSQL's own send rate.
 *
 *   npx tsx scripts/bench/encode-rows.ts [runs=5] [--record]
 */
import { connect } from 'node:net';
import { DuckDBInstance, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import { serialize } from 'pg-protocol';
import { makeRowWriter, type FormatCode } from '../../src/pgtypes/encode.js';
import { BufferWriter } from '../../src/wire/writer.js';
import { fmt, machine, median, recordSection, REFERENCE_PG } from './lib.js';

const ROWS = 1_000_000;
const RUNS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const RECORD = process.argv.includes('--record');

const DUCK_TABLE = `CREATE TABLE bench_rows AS SELECT i::INTEGER AS a, i::BIGINT * 1000003 AS b, i * 1.5::DOUBLE AS c,
  md5(i::VARCHAR) || 'abcdefgh' AS d, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(i * 1000123) AS e,
  i % 2 = 0 AS f FROM range(1, ${ROWS + 1}) t(i)`;
const PG_TABLE = `CREATE TABLE sirius_bench_encode AS SELECT i::int4 AS a, i::int8 * 1000003 AS b, i * 1.5::float8 AS c, md5(i::text) || 'abcdefgh' AS d,
  timestamptz '2026-01-01 00:00:00+00' + i * interval '1.000123 second' AS e, i % 2 = 0 AS f
  FROM generate_series(1, ${ROWS}) i`;
const DUCK_SELECT = 'SELECT a, b, c, d, e, f FROM bench_rows';
const PG_SELECT = 'SELECT a, b, c, d, e, f FROM sirius_bench_encode';

const ctx = { timeZone: 'UTC' };
/** Flush threshold, as a server would hand the buffer to the socket. */
const FLUSH_BYTES = 256 * 1024;

async function allChunks(result: DuckDBResult): Promise<DuckDBDataChunk[]> {
  const chunks: DuckDBDataChunk[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return chunks;
    chunks.push(chunk);
  }
}

function encodeChunks(result: DuckDBResult, chunks: DuckDBDataChunk[], format: FormatCode): number {
  const write = makeRowWriter(result.columnTypes(), [format], ctx);
  const w = new BufferWriter(FLUSH_BYTES * 2);
  let bytes = 0;
  for (const chunk of chunks) {
    write(chunk, w);
    if (w.length > FLUSH_BYTES) {
      bytes += w.length;
      w.pos = 0;
    }
  }
  return bytes + w.length;
}

/** What fetching and encoding through node-api's value objects costs: getItem(), String(), lenStr(). */
async function fetchAndEncodeBaseline(conn: Awaited<ReturnType<DuckDBInstance['connect']>>): Promise<number> {
  const t0 = performance.now();
  const result = await conn.stream(DUCK_SELECT);
  const w = new BufferWriter(FLUSH_BYTES * 2);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vectors = Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c));
    for (let row = 0; row < chunk.rowCount; row++) {
      w.begin(0x44).i16(vectors.length);
      for (const v of vectors) {
        const item = v.getItem(row);
        if (item === null) w.i32(-1);
        else w.lenStr(String(item));
      }
      w.end();
    }
    if (w.length > FLUSH_BYTES) w.pos = 0;
  }
  return performance.now() - t0;
}

async function fetchAndEncode(conn: Awaited<ReturnType<DuckDBInstance['connect']>>, format: FormatCode | null): Promise<number> {
  const t0 = performance.now();
  const result = await conn.stream(DUCK_SELECT);
  const write = format === null ? null : makeRowWriter(result.columnTypes(), [format], ctx);
  const w = new BufferWriter(FLUSH_BYTES * 2);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
    if (write) write(chunk, w);
    else for (let c = 0; c < chunk.columnCount; c++) chunk.getColumnVector(c);
    if (w.length > FLUSH_BYTES) w.pos = 0;
  }
  if (rows !== ROWS) throw new Error(`expected ${ROWS} rows, got ${rows}`);
  return performance.now() - t0;
}

/** Time for PostgreSQL 15 to send the rows: the client only splits messages and counts DataRows. */
async function postgresSend(sql = PG_SELECT): Promise<number> {
  const socket = connect(REFERENCE_PG.port, REFERENCE_PG.host);
  await new Promise((r) => socket.once('connect', r));
  let pending: Buffer = Buffer.alloc(0);
  let readyCount = 0;
  let rows = 0;
  let onReady: () => void = () => {};
  socket.on('data', (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    let pos = 0;
    while (pending.length - pos >= 5) {
      const len = pending.readInt32BE(pos + 1);
      if (pending.length - pos < len + 1) break;
      if (pending[pos] === 0x44) rows++;
      if (pending[pos] === 0x5a) {
        readyCount++;
        onReady();
      }
      pos += len + 1;
    }
    pending = pending.subarray(pos);
  });
  const ready = (n: number) => new Promise<void>((r) => (onReady = () => readyCount >= n && r()));
  socket.write(serialize.startup({ user: REFERENCE_PG.user, database: REFERENCE_PG.database }));
  await ready(1);
  const t0 = performance.now();
  socket.write(serialize.query(sql));
  await ready(2);
  const ms = performance.now() - t0;
  socket.end(serialize.end());
  if (sql === PG_SELECT && rows !== ROWS) throw new Error(`PostgreSQL sent ${rows} rows`);
  return ms;
}

function rate(ms: number): number {
  return ROWS / (ms / 1000);
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run(DUCK_TABLE);
  await postgresSend(`DROP TABLE IF EXISTS sirius_bench_encode; ${PG_TABLE}`);
  const result = await conn.stream(DUCK_SELECT);
  const chunks = await allChunks(result);
  const runs: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (runs[name] ??= []).push(ms);
  let bytesText = 0;
  for (let i = 0; i < RUNS; i++) {
    add('encode only, text', await time(() => (bytesText = encodeChunks(result, chunks, 0))));
    add('encode only, binary', await time(() => encodeChunks(result, chunks, 1)));
    add('fetch only', await fetchAndEncode(conn, null));
    add('fetch + encode, text', await fetchAndEncode(conn, 0));
    add('fetch + encode, binary', await fetchAndEncode(conn, 1));
    add('baseline: fetch + getItem + String, text', await fetchAndEncodeBaseline(conn));
    add('PostgreSQL 15 sending the rows, text', await postgresSend());
  }
  const pgRate = rate(median(runs['PostgreSQL 15 sending the rows, text']));
  const baseRate = rate(median(runs['baseline: fetch + getItem + String, text']));
  const lines = Object.entries(runs).map(([name, ms]) => {
    const r = rate(median(ms));
    return `| ${name} | ${fmt(r)} | ${fmt(median(ms))} | ${(r / baseRate).toFixed(2)}× | ${(r / pgRate).toFixed(2)}× |`;
  });
  const body = [
    '## pgtypes: DataRow encoding (scripts/bench/encode-rows.ts)',
    '',
    `${fmt(ROWS)} rows × (int4, int8, float8, text 40 B, timestamptz, bool), ${fmt(bytesText / ROWS, 1)} bytes a DataRow in text; median of ${RUNS} runs.`,
    '',
    '| what | rows/s | ms | vs baseline | vs PostgreSQL 15 |',
    '|---|---:|---:|---:|---:|',
    ...lines,
    '',
    machine(),
    '',
    'Reproduce: `npx tsx scripts/bench/encode-rows.ts 5 --record`.',
  ].join('\n');
  console.log(body);
  if (RECORD) recordSection('encode-rows', body);
  await postgresSend('DROP TABLE sirius_bench_encode');
}

await main();
