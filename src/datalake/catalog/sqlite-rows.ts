import { CatalogError } from './errors.js';
import { isSqliteError } from './sqlite-driver.js';
import type { BlockFilter, ProcessFilter, StreamFilter } from './catalog.js';
import { checkLimit, type Query } from './query.js';
import type { BlockRow, ProcessRow, StreamRow } from './rows.js';

/** Rows as better-sqlite3 returns them with safeIntegers on: every INTEGER is a bigint. */
type Raw = Record<string, unknown>;

const num = (v: unknown): number => Number(v as bigint);

export function processFromSqlite(r: Raw): ProcessRow {
  return {
    process_id: r.process_id as string,
    exe: r.exe as string,
    username: r.username as string,
    realname: r.realname as string,
    computer: r.computer as string,
    distro: r.distro as string,
    cpu_brand: r.cpu_brand as string,
    tsc_frequency: num(r.tsc_frequency),
    start_time: num(r.start_time),
    start_ticks: r.start_ticks as bigint,
    insert_time: num(r.insert_time),
    parent_process_id: (r.parent_process_id as string | null) ?? null,
    properties: JSON.parse(r.properties as string),
  };
}

export function streamFromSqlite(r: Raw): StreamRow {
  return {
    stream_id: r.stream_id as string,
    process_id: r.process_id as string,
    dependencies_metadata: JSON.parse(r.dependencies_metadata as string),
    objects_metadata: JSON.parse(r.objects_metadata as string),
    tags: JSON.parse(r.tags as string),
    properties: JSON.parse(r.properties as string),
    insert_time: num(r.insert_time),
  };
}

export function blockFromSqlite(r: Raw): BlockRow {
  return {
    block_id: r.block_id as string,
    stream_id: r.stream_id as string,
    process_id: r.process_id as string,
    begin_time: num(r.begin_time),
    begin_ticks: r.begin_ticks as bigint,
    end_time: num(r.end_time),
    end_ticks: r.end_ticks as bigint,
    nb_objects: num(r.nb_objects),
    object_offset: num(r.object_offset),
    payload_size: num(r.payload_size),
    insert_time: num(r.insert_time),
  };
}

function finish(table: string, idColumn: string, where: string[], params: unknown[], limit: number | undefined): Query {
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  const limitClause = limit === undefined ? '' : ` LIMIT ${checkLimit(limit)}`;
  return { sql: `SELECT * FROM ${table}${clause} ORDER BY insert_time, ${idColumn}${limitClause}`, params };
}

function range(column: string, begin: number | undefined, end: number | undefined, where: string[], params: unknown[]): void {
  if (begin !== undefined) (where.push(`${column} >= ?`), params.push(begin));
  if (end !== undefined) (where.push(`${column} < ?`), params.push(end));
}

export function listProcessesQuery(f: ProcessFilter): Query {
  const where: string[] = [];
  const params: unknown[] = [];
  range('insert_time', f.insertTimeBegin, f.insertTimeEnd, where, params);
  return finish('processes', 'process_id', where, params, f.limit);
}

export function listStreamsQuery(f: StreamFilter): Query {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.processId !== undefined) (where.push('process_id = ?'), params.push(f.processId));
  if (f.tag !== undefined) (where.push('EXISTS (SELECT 1 FROM json_each(streams.tags) WHERE json_each.value = ?)'), params.push(f.tag));
  return finish('streams', 'stream_id', where, params, f.limit);
}

export function listBlocksQuery(f: BlockFilter): Query {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.streamId !== undefined) (where.push('stream_id = ?'), params.push(f.streamId));
  if (f.processId !== undefined) (where.push('process_id = ?'), params.push(f.processId));
  range('insert_time', f.insertTimeBegin, f.insertTimeEnd, where, params);
  if (f.beginTime !== undefined) (where.push('end_time >= ?'), params.push(f.beginTime));
  if (f.endTime !== undefined) (where.push('begin_time < ?'), params.push(f.endTime));
  return finish('blocks', 'block_id', where, params, f.limit);
}

const TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

export function mapSqliteError(err: unknown, what: string, where: string): Error {
  if (err instanceof CatalogError) return err;
  const message = `catalog ${where}: ${what} failed: ${(err as Error)?.message ?? String(err)}`;
  if (isSqliteError(err) && TRANSIENT.test(err.code)) return new CatalogError('UNAVAILABLE', message, { cause: err });
  if (/no such table/.test((err as Error)?.message ?? '')) {
    return new CatalogError('SCHEMA', `${message} (is the catalog migrated? run migrate())`, { cause: err });
  }
  return new CatalogError('FAILED', message, { cause: err });
}
