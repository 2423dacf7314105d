import { CatalogError } from './errors.js';
import { isSqliteError } from './sqlite-driver.js';
import type { BlockFilter, ProcessFilter, StreamFilter } from './catalog.js';
import { checkLimit, type Query } from './query.js';
import { rowMappers } from './row-mapping.js';

/** better-sqlite3 with safeIntegers on: every INTEGER is a bigint; JSON is stored as text. */
const sqliteRows = rowMappers({ num: (v) => Number(v as bigint), big: (v) => v as bigint, json: <T>(v: unknown) => JSON.parse(v as string) as T });
export const processFromSqlite = sqliteRows.process;
export const streamFromSqlite = sqliteRows.stream;
export const blockFromSqlite = sqliteRows.block;

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
