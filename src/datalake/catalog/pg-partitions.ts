import type { ActivityFilter, BlockSliceQuery, NewPartition, PartitionFilter, PartitionRow, ProcessActivityRow, RetireFilter, RetiredFilter, StreamActivityRow, TaggedBlockFilter } from './partitions.js';
import { checkSliceWidth } from './partitions.js';
import { BLOCK_COLUMNS, PROCESS_COLUMNS, processFromPg, STREAM_COLUMNS, streamFromPg, ts } from './pg-rows.js';
import type { Query } from './query.js';

/** PostgreSQL SQL of the lakehouse methods; `s` is the quoted schema. */
type Raw = Record<string, unknown>;

/** timestamptz → exact µs (see pg-rows.ts). */
const us = (expr: string, as: string): string => `(extract(epoch from ${expr}) * 1000000)::int8 AS ${as}`;
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Positional parameters, one $n per distinct name, so a value used twice is sent once. */
class Params {
  readonly values: unknown[] = [];
  private readonly names = new Map<string, string>();
  ref(name: string, value: unknown): string {
    let p = this.names.get(name);
    if (p === undefined) {
      this.values.push(value);
      p = `$${this.values.length}`;
      this.names.set(name, p);
    }
    return p;
  }
}

export const PARTITION_COLUMNS = [
  'view_set',
  'instance_id',
  us('begin_insert_time', 'begin_insert_time'),
  us('end_insert_time', 'end_insert_time'),
  'schema_version',
  us('min_event_time', 'min_event_time'),
  us('max_event_time', 'max_event_time'),
  'row_count',
  'file_path',
  'file_size',
  'source_count',
  us('created_at', 'created_at'),
  us('retired_at', 'retired_at'),
].join(', ');

export function partitionFromPg(r: Raw): PartitionRow {
  return {
    view_set: r.view_set as string,
    instance_id: r.instance_id as string,
    begin_insert_time: Number(r.begin_insert_time),
    end_insert_time: Number(r.end_insert_time),
    schema_version: r.schema_version as number,
    min_event_time: numOrNull(r.min_event_time),
    max_event_time: numOrNull(r.max_event_time),
    row_count: Number(r.row_count),
    file_path: (r.file_path as string | null) ?? null,
    file_size: Number(r.file_size),
    source_count: Number(r.source_count),
    created_at: Number(r.created_at),
    retired_at: numOrNull(r.retired_at),
  };
}

export function insertPartitionQuery(s: string, p: NewPartition): Query {
  return {
    sql: `INSERT INTO ${s}.partitions (view_set, instance_id, begin_insert_time, end_insert_time, schema_version, min_event_time, max_event_time,
            row_count, file_path, file_size, source_count)
          VALUES ($1, $2, ${ts('$3')}, ${ts('$4')}, $5, ${ts('$6')}, ${ts('$7')}, $8, $9, $10, $11)`,
    params: [p.view_set, p.instance_id, p.begin_insert_time, p.end_insert_time, p.schema_version, p.min_event_time, p.max_event_time, p.row_count, p.file_path, p.file_size, p.source_count],
  };
}

export function retireOverlappingQuery(s: string, p: NewPartition): Query {
  return {
    sql: `UPDATE ${s}.partitions SET retired_at = now()
          WHERE view_set = $1 AND instance_id = $2 AND retired_at IS NULL AND begin_insert_time < ${ts('$3')} AND end_insert_time > ${ts('$4')}
          RETURNING ${PARTITION_COLUMNS}`,
    params: [p.view_set, p.instance_id, p.end_insert_time, p.begin_insert_time],
  };
}

export function listPartitionsQuery(s: string, f: PartitionFilter): Query {
  const p = new Params();
  const where = [`view_set = ${p.ref('v', f.viewSet)}`];
  if (f.instanceId !== undefined) where.push(`instance_id = ${p.ref('i', f.instanceId)}`);
  if (!f.includeRetired) where.push('retired_at IS NULL');
  if (f.insertTimeBegin !== undefined) where.push(`end_insert_time > ${ts(p.ref('b', f.insertTimeBegin))}`);
  if (f.insertTimeEnd !== undefined) where.push(`begin_insert_time < ${ts(p.ref('e', f.insertTimeEnd))}`);
  return { sql: `SELECT ${PARTITION_COLUMNS} FROM ${s}.partitions WHERE ${where.join(' AND ')} ORDER BY partitions.instance_id, partitions.begin_insert_time, partitions.created_at`, params: p.values };
}

export function retirePartitionsQuery(s: string, f: RetireFilter): Query {
  const p = new Params();
  const where = [`view_set = ${p.ref('v', f.viewSet)}`, 'retired_at IS NULL'];
  if (f.instanceId !== undefined) where.push(`instance_id = ${p.ref('i', f.instanceId)}`);
  if (f.schemaVersionNot !== undefined) where.push(`schema_version <> ${p.ref('sv', f.schemaVersionNot)}`);
  if (f.insertTimeBegin !== undefined) where.push(`end_insert_time > ${ts(p.ref('b', f.insertTimeBegin))}`);
  if (f.insertTimeEnd !== undefined) where.push(`begin_insert_time < ${ts(p.ref('e', f.insertTimeEnd))}`);
  return { sql: `UPDATE ${s}.partitions SET retired_at = now() WHERE ${where.join(' AND ')} RETURNING ${PARTITION_COLUMNS}`, params: p.values };
}

export function listRetiredQuery(s: string, f: RetiredFilter): Query {
  return {
    sql: `SELECT ${PARTITION_COLUMNS} FROM ${s}.partitions
          WHERE retired_at IS NOT NULL AND retired_at < ${ts('$1')} AND file_path IS NOT NULL ORDER BY retired_at LIMIT $2`,
    params: [f.retiredBefore, f.limit ?? 1000],
  };
}

function taggedWhere(s: string, f: TaggedBlockFilter, p: Params): string[] {
  const where: string[] = [];
  if (f.streamTag !== undefined) where.push(`EXISTS (SELECT 1 FROM ${s}.streams st WHERE st.stream_id = b.stream_id AND ${p.ref('tag', f.streamTag)}::text = ANY (st.tags))`);
  if (f.processId !== undefined) where.push(`b.process_id = ${p.ref('pid', f.processId)}::uuid`);
  if (f.streamId !== undefined) where.push(`b.stream_id = ${p.ref('sid', f.streamId)}::uuid`);
  if (f.insertTimeBegin !== undefined) where.push(`b.insert_time >= ${ts(p.ref('ib', f.insertTimeBegin))}`);
  if (f.insertTimeEnd !== undefined) where.push(`b.insert_time < ${ts(p.ref('ie', f.insertTimeEnd))}`);
  return where;
}

const whereClause = (where: string[]): string => (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');
const insertUs = (alias: string): string => `(extract(epoch from ${alias}.insert_time) * 1000000)::int8`;

export function listTaggedBlocksQuery(s: string, f: TaggedBlockFilter): Query {
  const p = new Params();
  return { sql: `SELECT ${BLOCK_COLUMNS} FROM ${s}.blocks b${whereClause(taggedWhere(s, f, p))} ORDER BY b.insert_time, b.block_id`, params: p.values };
}

/** As the SQLite version: the overlapping slices first, then their blocks found by insert time. */
export function blockSlicesQuery(s: string, q: BlockSliceQuery): Query {
  const w = checkSliceWidth(q.sliceWidth);
  const p = new Params();
  const where = taggedWhere(s, q, p);
  if (q.beginTime === undefined && q.endTime === undefined) {
    return {
      sql: `SELECT (${insertUs('b')} / ${w}) * ${w} AS slice_begin, count(*) AS block_count, sum(b.nb_objects) AS object_count
            FROM ${s}.blocks b${whereClause(where)} GROUP BY 1 ORDER BY 1`,
      params: p.values,
    };
  }
  const overlap = [...where];
  if (q.beginTime !== undefined) overlap.push(`b.end_time >= ${ts(p.ref('bt', q.beginTime))}`);
  if (q.endTime !== undefined) overlap.push(`b.begin_time < ${ts(p.ref('et', q.endTime))}`);
  const inSlice = [`b.insert_time >= ${ts(`n.k * ${w}`)}`, `b.insert_time < ${ts(`(n.k + 1) * ${w}`)}`, ...where];
  return {
    sql: `WITH needed AS (SELECT DISTINCT ${insertUs('b')} / ${w} AS k FROM ${s}.blocks b${whereClause(overlap)})
          SELECT n.k * ${w} AS slice_begin, count(*) AS block_count, sum(b.nb_objects) AS object_count
          FROM needed n JOIN ${s}.blocks b ON ${inSlice.join(' AND ')} GROUP BY n.k ORDER BY n.k`,
    params: p.values,
  };
}

function activityWhere(alias: string, f: ActivityFilter, p: Params): { where: string[]; blocksBound: string } {
  const where: string[] = [];
  if (f.insertTimeBegin !== undefined) where.push(`${alias}.insert_time >= ${ts(p.ref('ib', f.insertTimeBegin))}`);
  if (f.insertTimeEnd !== undefined) where.push(`${alias}.insert_time < ${ts(p.ref('ie', f.insertTimeEnd))}`);
  const blocksBound = f.blocksInsertTimeEnd === undefined ? '' : ` AND b.insert_time < ${ts(p.ref('be', f.blocksInsertTimeEnd))}`;
  return { where, blocksBound };
}

/** Each process with its latest block (an index seek on blocks (process_id, insert_time)), then that commit's blocks. */
export function processActivityQuery(s: string, f: ActivityFilter): Query {
  const p = new Params();
  const { where, blocksBound } = activityWhere('p', f, p);
  return {
    sql: `SELECT ${PROCESS_COLUMNS}, ${us('lb.t', 'last_block_insert_time')}, lb2.end_ticks AS last_block_end_ticks, ${us('lb2.end_time', 'last_block_end_time')}
          FROM ${s}.processes p
          LEFT JOIN LATERAL (SELECT max(b.insert_time) AS t FROM ${s}.blocks b WHERE b.process_id = p.process_id${blocksBound}) lb ON true
          LEFT JOIN LATERAL (SELECT max(b.end_ticks) AS end_ticks, max(b.end_time) AS end_time FROM ${s}.blocks b
                             WHERE b.process_id = p.process_id AND b.insert_time = lb.t) lb2 ON true
          ${whereClause(where)} ORDER BY p.insert_time, p.process_id`,
    params: p.values,
  };
}

export function streamActivityQuery(s: string, f: ActivityFilter): Query {
  const p = new Params();
  const { where, blocksBound } = activityWhere('st', f, p);
  return {
    sql: `SELECT ${STREAM_COLUMNS}, ${us('lb.t', 'last_block_insert_time')}
          FROM ${s}.streams st
          LEFT JOIN LATERAL (SELECT max(b.insert_time) AS t FROM ${s}.blocks b WHERE b.stream_id = st.stream_id${blocksBound}) lb ON true
          ${whereClause(where)} ORDER BY st.insert_time, st.stream_id`,
    params: p.values,
  };
}

export function processActivityFromPg(r: Raw): ProcessActivityRow {
  return {
    ...processFromPg(r),
    last_block_insert_time: numOrNull(r.last_block_insert_time),
    last_block_end_ticks: r.last_block_end_ticks === null || r.last_block_end_ticks === undefined ? null : BigInt(r.last_block_end_ticks as string),
    last_block_end_time: numOrNull(r.last_block_end_time),
  };
}

export function streamActivityFromPg(r: Raw): StreamActivityRow {
  return { ...streamFromPg(r), last_block_insert_time: numOrNull(r.last_block_insert_time) };
}
