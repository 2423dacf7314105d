import { CatalogError } from './errors.js';
import { checkUuid, type Micros, type ProcessRow, type StreamRow } from './rows.js';

/**
 * The lakehouse side of the catalog (docs/lakehouse.md): partition records and
 * the aggregate reads that partition planning needs. Same representation rules
 * as rows.ts (µs integers, bigint ticks).
 */

/** One Parquet file of a view instance, built from the source rows of one insert-time range. */
export interface PartitionRow {
  view_set: string;
  instance_id: string;
  /** The insert-time range of the source rows, [begin, end). */
  begin_insert_time: Micros;
  end_insert_time: Micros;
  schema_version: number;
  /** Event-time bounds of the rows in the file; null when it has no rows. */
  min_event_time: Micros | null;
  max_event_time: Micros | null;
  row_count: number;
  /** Object store key of the Parquet file; null for a partition without rows (there is nothing to read). */
  file_path: string | null;
  file_size: number;
  /** The freshness key: what the source looked like when the file was built (e.g. Σ nb_objects of its blocks). */
  source_count: number;
  /** Set by the catalog. */
  created_at: Micros;
  /** When a newer partition or a schema change replaced it; null while live. */
  retired_at: Micros | null;
}

export type NewPartition = Omit<PartitionRow, 'created_at' | 'retired_at'>;

export interface UpsertPartitionResult {
  /** 'duplicate': a partition with this file_path is already recorded (a retried call); nothing changed. */
  status: 'inserted' | 'duplicate';
  /** The live partitions of the same view instance that the new one replaced. */
  retired: PartitionRow[];
}

export interface PartitionFilter {
  viewSet: string;
  /** Omitted: every instance of the view set. */
  instanceId?: string;
  /** Partitions whose insert range overlaps [insertTimeBegin, insertTimeEnd). */
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
  /** Also list retired partitions (default: live ones only). */
  includeRetired?: boolean;
}

export interface RetireFilter {
  viewSet: string;
  instanceId?: string;
  /** Only partitions built with another schema version than this one. */
  schemaVersionNot?: number;
  /** Only partitions whose insert range overlaps [insertTimeBegin, insertTimeEnd). */
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
}

/** Retired partitions with a file, retired before a time: the garbage the maintenance loop deletes. */
export interface RetiredFilter {
  /** µs; only partitions retired strictly before it. */
  retiredBefore: Micros;
  limit?: number;
}

/** Blocks selected by their stream's tag and their instance; insert-time bounds are half-open. */
export interface TaggedBlockFilter {
  /** Blocks whose stream carries this tag ('log', 'metrics', 'cpu', 'async'). */
  streamTag?: string;
  processId?: string;
  streamId?: string;
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
}

export interface BlockSliceQuery extends TaggedBlockFilter {
  /** Slices are [k·sliceWidth, (k+1)·sliceWidth) of insert time. */
  sliceWidth: Micros;
  /**
   * Only the slices that hold at least one matching block whose event time [begin_time, end_time]
   * overlaps [beginTime, endTime); every matching block of such a slice is counted.
   */
  beginTime?: Micros;
  endTime?: Micros;
}

export interface BlockSlice {
  sliceBegin: Micros;
  blockCount: number;
  /** Σ nb_objects of the slice's matching blocks. */
  objectCount: number;
}

/** Catalog rows with what their blocks say about them, for the processes and streams views. */
export interface ActivityFilter {
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
  /** Only blocks inserted before this time count (the insert-time watermark + 1). */
  blocksInsertTimeEnd?: Micros;
}

export interface ProcessActivityRow extends ProcessRow {
  /** Of the process's most recently inserted block; null when it has none. */
  last_block_insert_time: Micros | null;
  last_block_end_ticks: bigint | null;
  last_block_end_time: Micros | null;
}

export interface StreamActivityRow extends StreamRow {
  last_block_insert_time: Micros | null;
}

const invalid = (column: string, rule: string, value: unknown): CatalogError =>
  new CatalogError('INVALID_INPUT', `partitions.${column} must be ${rule}, got ${JSON.stringify(value) ?? String(value)}`);

function checkInt(column: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(column, `an integer >= ${min}`, value);
}

function checkName(column: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value.includes('\u0000')) {
    throw invalid(column, 'a non-empty string of at most 200 characters without NUL', value);
  }
}

export function validatePartition(p: NewPartition): NewPartition {
  checkName('view_set', p.view_set);
  checkName('instance_id', p.instance_id);
  checkInt('begin_insert_time', p.begin_insert_time, Number.MIN_SAFE_INTEGER);
  checkInt('end_insert_time', p.end_insert_time, Number.MIN_SAFE_INTEGER);
  if (p.end_insert_time <= p.begin_insert_time) throw invalid('end_insert_time', `> begin_insert_time (${p.begin_insert_time})`, p.end_insert_time);
  checkInt('schema_version', p.schema_version, 0);
  for (const c of ['min_event_time', 'max_event_time'] as const) {
    if (p[c] !== null) checkInt(c, p[c], Number.MIN_SAFE_INTEGER);
  }
  checkInt('row_count', p.row_count, 0);
  checkInt('file_size', p.file_size, 0);
  checkInt('source_count', p.source_count, 0);
  if (p.file_path !== null) checkName('file_path', p.file_path);
  if ((p.file_path === null) !== (p.row_count === 0)) throw invalid('file_path', 'null exactly when row_count is 0', p.file_path);
  return p;
}

export function checkSliceWidth(width: number): number {
  if (!Number.isSafeInteger(width) || width < 1) throw new CatalogError('INVALID_INPUT', `sliceWidth must be a positive integer number of µs, got ${width}`);
  return width;
}

export function checkTaggedFilter(f: TaggedBlockFilter): void {
  if (f.processId !== undefined) checkUuid('blocks', 'process_id', f.processId);
  if (f.streamId !== undefined) checkUuid('blocks', 'stream_id', f.streamId);
}
