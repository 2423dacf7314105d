import type { ActivityFilter, BlockSliceQuery, PartitionFilter, PartitionRow, ProcessActivityRow, RetireFilter, RetiredFilter, StreamActivityRow, TaggedBlockFilter } from './partitions.js';
import { checkSliceWidth } from './partitions.js';
import type { Query } from './query.js';
import { processFromSqlite, streamFromSqlite } from './sqlite-rows.js';

/**
 * SQLite SQL of the lakehouse methods. Named parameters (@name, one object) because several
 * queries use the same value in more than one place.
 */
type Raw = Record<string, unknown>;
type Params = Record<string, unknown>;

const num = (v: unknown): number => Number(v as bigint);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v as bigint));

export function partitionFromSqlite(r: Raw): PartitionRow {
  return {
    view_set: r.view_set as string,
    instance_id: r.instance_id as string,
    begin_insert_time: num(r.begin_insert_time),
    end_insert_time: num(r.end_insert_time),
    schema_version: num(r.schema_version),
    min_event_time: numOrNull(r.min_event_time),
    max_event_time: numOrNull(r.max_event_time),
    row_count: num(r.row_count),
    file_path: (r.file_path as string | null) ?? null,
    file_size: num(r.file_size),
    source_count: num(r.source_count),
    created_at: num(r.created_at),
    retired_at: numOrNull(r.retired_at),
  };
}

export const INSERT_PARTITION_SQL = `INSERT INTO partitions (view_set, instance_id, begin_insert_time, end_insert_time, schema_version,
  min_event_time, max_event_time, row_count, file_path, file_size, source_count, created_at, retired_at)
  VALUES (@view_set, @instance_id, @begin_insert_time, @end_insert_time, @schema_version,
  @min_event_time, @max_event_time, @row_count, @file_path, @file_size, @source_count, @created_at, NULL)`;

/** The live partitions of one view instance that a new one over [begin, end) replaces. */
export const RETIRE_OVERLAPPING_SQL = `UPDATE partitions SET retired_at = @now
  WHERE view_set = @view_set AND instance_id = @instance_id AND retired_at IS NULL
    AND begin_insert_time < @end_insert_time AND end_insert_time > @begin_insert_time
  RETURNING *`;

export function listPartitionsQuery(f: PartitionFilter): Query {
  const where = ['view_set = @viewSet'];
  if (f.instanceId !== undefined) where.push('instance_id = @instanceId');
  if (!f.includeRetired) where.push('retired_at IS NULL');
  if (f.insertTimeBegin !== undefined) where.push('end_insert_time > @insertTimeBegin');
  if (f.insertTimeEnd !== undefined) where.push('begin_insert_time < @insertTimeEnd');
  const p: Params = { viewSet: f.viewSet, instanceId: f.instanceId, insertTimeBegin: f.insertTimeBegin, insertTimeEnd: f.insertTimeEnd };
  return { sql: `SELECT * FROM partitions WHERE ${where.join(' AND ')} ORDER BY instance_id, begin_insert_time, created_at`, params: [defined(p)] };
}

export function retirePartitionsQuery(f: RetireFilter, now: number): Query {
  const where = ['view_set = @viewSet', 'retired_at IS NULL'];
  if (f.instanceId !== undefined) where.push('instance_id = @instanceId');
  if (f.schemaVersionNot !== undefined) where.push('schema_version <> @schemaVersionNot');
  if (f.insertTimeBegin !== undefined) where.push('end_insert_time > @insertTimeBegin');
  if (f.insertTimeEnd !== undefined) where.push('begin_insert_time < @insertTimeEnd');
  const p: Params = { now, viewSet: f.viewSet, instanceId: f.instanceId, schemaVersionNot: f.schemaVersionNot, insertTimeBegin: f.insertTimeBegin, insertTimeEnd: f.insertTimeEnd };
  return { sql: `UPDATE partitions SET retired_at = @now WHERE ${where.join(' AND ')} RETURNING *`, params: [defined(p)] };
}

export function listRetiredQuery(f: RetiredFilter): Query {
  return {
    sql: `SELECT * FROM partitions WHERE retired_at IS NOT NULL AND retired_at < @retiredBefore AND file_path IS NOT NULL ORDER BY retired_at LIMIT @limit`,
    params: [{ retiredBefore: f.retiredBefore, limit: f.limit ?? 1000 }],
  };
}

/** better-sqlite3 refuses named parameters that the SQL does not use. */
function defined(p: Params): Params {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

function taggedWhere(f: TaggedBlockFilter): string[] {
  const where: string[] = [];
  if (f.streamTag !== undefined) where.push('EXISTS (SELECT 1 FROM streams s, json_each(s.tags) t WHERE s.stream_id = b.stream_id AND t.value = @streamTag)');
  if (f.processId !== undefined) where.push('b.process_id = @processId');
  if (f.streamId !== undefined) where.push('b.stream_id = @streamId');
  if (f.insertTimeBegin !== undefined) where.push('b.insert_time >= @insertTimeBegin');
  if (f.insertTimeEnd !== undefined) where.push('b.insert_time < @insertTimeEnd');
  return where;
}

const whereClause = (where: string[]): string => (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');

const taggedParams = (f: TaggedBlockFilter): Params =>
  defined({ streamTag: f.streamTag, processId: f.processId, streamId: f.streamId, insertTimeBegin: f.insertTimeBegin, insertTimeEnd: f.insertTimeEnd });

export function listTaggedBlocksQuery(f: TaggedBlockFilter): Query {
  return { sql: `SELECT b.* FROM blocks b${whereClause(taggedWhere(f))} ORDER BY b.insert_time, b.block_id`, params: [taggedParams(f)] };
}

/**
 * Without an event range: one GROUP BY over the matching blocks. With one: first the slices that
 * hold an overlapping block, then every matching block of those slices, found by insert time
 * (blocks_insert_time, or blocks_process_insert_time / blocks_stream_insert_time for an instance).
 */
export function blockSlicesQuery(q: BlockSliceQuery): Query {
  const w = checkSliceWidth(q.sliceWidth);
  const where = taggedWhere(q);
  const params = taggedParams(q);
  if (q.beginTime === undefined && q.endTime === undefined) {
    return {
      sql: `SELECT (b.insert_time / ${w}) * ${w} AS slice_begin, count(*) AS block_count, sum(b.nb_objects) AS object_count
            FROM blocks b${whereClause(where)} GROUP BY 1 ORDER BY 1`,
      params: [params],
    };
  }
  const overlap = [...where];
  if (q.beginTime !== undefined) (overlap.push('b.end_time >= @beginTime'), (params.beginTime = q.beginTime));
  if (q.endTime !== undefined) (overlap.push('b.begin_time < @endTime'), (params.endTime = q.endTime));
  const inSlice = [`b.insert_time >= n.k * ${w}`, `b.insert_time < (n.k + 1) * ${w}`, ...where];
  return {
    sql: `WITH needed AS (SELECT DISTINCT b.insert_time / ${w} AS k FROM blocks b${whereClause(overlap)})
          SELECT n.k * ${w} AS slice_begin, count(*) AS block_count, sum(b.nb_objects) AS object_count
          FROM needed n JOIN blocks b ON ${inSlice.join(' AND ')} GROUP BY n.k ORDER BY n.k`,
    params: [params],
  };
}

function activityRange(alias: string, f: ActivityFilter): { where: string[]; blocksBound: string } {
  const where: string[] = [];
  if (f.insertTimeBegin !== undefined) where.push(`${alias}.insert_time >= @insertTimeBegin`);
  if (f.insertTimeEnd !== undefined) where.push(`${alias}.insert_time < @insertTimeEnd`);
  return { where, blocksBound: f.blocksInsertTimeEnd === undefined ? '' : ' AND b.insert_time < @blocksInsertTimeEnd' };
}

const activityParams = (f: ActivityFilter): Params =>
  defined({ insertTimeBegin: f.insertTimeBegin, insertTimeEnd: f.insertTimeEnd, blocksInsertTimeEnd: f.blocksInsertTimeEnd });

/** Each process with its latest block: the max insert_time is an index seek, then the blocks of that commit. */
export function processActivityQuery(f: ActivityFilter): Query {
  const { where, blocksBound } = activityRange('p', f);
  return {
    sql: `SELECT x.*,
            (SELECT max(b.end_ticks) FROM blocks b WHERE b.process_id = x.process_id AND b.insert_time = x.last_block_insert_time) AS last_block_end_ticks,
            (SELECT max(b.end_time) FROM blocks b WHERE b.process_id = x.process_id AND b.insert_time = x.last_block_insert_time) AS last_block_end_time
          FROM (SELECT p.*, (SELECT max(b.insert_time) FROM blocks b WHERE b.process_id = p.process_id${blocksBound}) AS last_block_insert_time
                FROM processes p${whereClause(where)}) x
          ORDER BY x.insert_time, x.process_id`,
    params: [activityParams(f)],
  };
}

export function streamActivityQuery(f: ActivityFilter): Query {
  const { where, blocksBound } = activityRange('s', f);
  return {
    sql: `SELECT s.*, (SELECT max(b.insert_time) FROM blocks b WHERE b.stream_id = s.stream_id${blocksBound}) AS last_block_insert_time
          FROM streams s${whereClause(where)} ORDER BY s.insert_time, s.stream_id`,
    params: [activityParams(f)],
  };
}

export function processActivityFromSqlite(r: Raw): ProcessActivityRow {
  return {
    ...processFromSqlite(r),
    last_block_insert_time: numOrNull(r.last_block_insert_time),
    last_block_end_ticks: (r.last_block_end_ticks as bigint | null) ?? null,
    last_block_end_time: numOrNull(r.last_block_end_time),
  };
}

export function streamActivityFromSqlite(r: Raw): StreamActivityRow {
  return { ...streamFromSqlite(r), last_block_insert_time: numOrNull(r.last_block_insert_time) };
}
