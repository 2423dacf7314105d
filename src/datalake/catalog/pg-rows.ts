import type { BlockFilter, ProcessFilter, StreamFilter } from './catalog.js';
import { CatalogError } from './errors.js';
import { rowMappers } from './row-mapping.js';
import { checkLimit, type Query } from './query.js';

/** timestamptz → exact µs (extract(epoch) is numeric since PostgreSQL 14, so nothing is rounded). */
const us = (column: string): string => `(extract(epoch from ${column}) * 1000000)::int8 AS ${column}`;
/** µs parameter → timestamptz, exact (interval arithmetic is in µs). */
export const ts = (expr: string): string => `(timestamptz 'epoch' + (${expr})::int8 * interval '1 microsecond')`;
/** The next insert_time, taken under the clock row's lock, which the commit releases. */
export const TICK_SQL = (s: string): string =>
  `UPDATE ${s}.insert_clock SET last_us = greatest(last_us + 1, (extract(epoch from clock_timestamp()) * 1000000)::int8) WHERE id = 1 RETURNING last_us`;

export const PROCESS_COLUMNS = `process_id::text, exe, username, realname, computer, distro, cpu_brand, tsc_frequency, ${us('start_time')}, start_ticks, ${us('insert_time')}, parent_process_id::text, properties`;
export const STREAM_COLUMNS = `stream_id::text, process_id::text, dependencies_metadata, objects_metadata, tags, properties, ${us('insert_time')}`;
export const BLOCK_COLUMNS = `block_id::text, stream_id::text, process_id::text, ${us('begin_time')}, begin_ticks, ${us('end_time')}, end_ticks, nb_objects, object_offset, payload_size, ${us('insert_time')}`;

/** node-postgres returns int8 as text (exact, converted per column) and jsonb already parsed. */
const pgRows = rowMappers({ num: (v) => Number(v as string), big: (v) => BigInt(v as string), json: <T>(v: unknown) => v as T });
export const processFromPg = pgRows.process;
export const streamFromPg = pgRows.stream;
export const blockFromPg = pgRows.block;

class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(sqlWithParam: (p: string) => string, value: unknown): void {
    if (value === undefined) return;
    this.params.push(value);
    this.clauses.push(sqlWithParam(`$${this.params.length}`));
  }
  query(select: string, order: string, limit: number | undefined): Query {
    const where = this.clauses.length > 0 ? ` WHERE ${this.clauses.join(' AND ')}` : '';
    const lim = limit === undefined ? '' : ` LIMIT ${checkLimit(limit)}`;
    return { sql: `${select}${where} ORDER BY ${order}${lim}`, params: this.params };
  }
}

export function listProcessesQuery(s: string, f: ProcessFilter): Query {
  const w = new Where();
  w.add((p) => `insert_time >= ${ts(p)}`, f.insertTimeBegin);
  w.add((p) => `insert_time < ${ts(p)}`, f.insertTimeEnd);
  return w.query(`SELECT ${PROCESS_COLUMNS} FROM ${s}.processes`, 'processes.insert_time, processes.process_id', f.limit);
}

export function listStreamsQuery(s: string, f: StreamFilter): Query {
  const w = new Where();
  w.add((p) => `process_id = ${p}::uuid`, f.processId);
  w.add((p) => `${p}::text = ANY (tags)`, f.tag);
  return w.query(`SELECT ${STREAM_COLUMNS} FROM ${s}.streams`, 'streams.insert_time, streams.stream_id', f.limit);
}

export function listBlocksQuery(s: string, f: BlockFilter): Query {
  const w = new Where();
  w.add((p) => `stream_id = ${p}::uuid`, f.streamId);
  w.add((p) => `process_id = ${p}::uuid`, f.processId);
  w.add((p) => `insert_time >= ${ts(p)}`, f.insertTimeBegin);
  w.add((p) => `insert_time < ${ts(p)}`, f.insertTimeEnd);
  w.add((p) => `end_time >= ${ts(p)}`, f.beginTime);
  w.add((p) => `begin_time < ${ts(p)}`, f.endTime);
  return w.query(`SELECT ${BLOCK_COLUMNS} FROM ${s}.blocks`, 'blocks.insert_time, blocks.block_id', f.limit);
}

/** SQLSTATE classes and codes after which the same call may succeed later. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03|57014)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const NETWORK_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection timeout/i;

export function mapPgError(err: unknown, what: string, where: string): Error {
  if (err instanceof CatalogError) return err;
  const e = (err ?? {}) as { code?: string; message?: string };
  const message = `catalog ${where}: ${what} failed: ${e.message ?? String(err)}`;
  const code = e.code ?? '';
  if (TRANSIENT_SQLSTATE.test(code) || NETWORK_CODES.has(code) || (err instanceof AggregateError && err.errors.some((x) => NETWORK_CODES.has((x as { code?: string }).code ?? ''))) || NETWORK_MESSAGES.test(e.message ?? '')) {
    return new CatalogError('UNAVAILABLE', message, { cause: err });
  }
  if (code === '42P01' || code === '3F000') return new CatalogError('SCHEMA', `${message} (is the catalog migrated? run migrate())`, { cause: err });
  return new CatalogError('FAILED', message, { cause: err });
}
