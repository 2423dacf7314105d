import type { BlockRow, Micros, NewBlock, NewProcess, NewStream, ProcessRow, StreamRow } from './rows.js';
import type { CatalogError } from './errors.js';
import type { RetentionStore } from './retention.js';
import type { CustomViewStore } from './custom-views.js';
import type { PartitionBuildFilter, PartitionBuildRow } from './build-log.js';
import type {
  ActivityFilter,
  BlockSlice,
  BlockSliceQuery,
  NewPartition,
  PartitionFilter,
  PartitionRow,
  ProcessActivityRow,
  RetireFilter,
  RetiredFilter,
  StreamActivityRow,
  TaggedBlockFilter,
  UpsertPartitionResult,
} from './partitions.js';

export type InsertResult = 'inserted' | 'duplicate';
export type BatchInsertResult = { status: InsertResult } | { status: 'rejected'; error: CatalogError };

/** Half-open ranges: begin inclusive, end exclusive. Omitted bounds are open. */
export interface ProcessFilter {
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
  limit?: number;
}

export interface StreamFilter {
  processId?: string;
  /** Streams whose tags contain this tag ('log', 'metrics', 'cpu'). */
  tag?: string;
  limit?: number;
}

export interface BlockFilter {
  streamId?: string;
  processId?: string;
  insertTimeBegin?: Micros;
  insertTimeEnd?: Micros;
  /** Blocks whose [begin_time, end_time] overlaps [beginTime, endTime): end_time >= beginTime AND begin_time < endTime. */
  beginTime?: Micros;
  endTime?: Micros;
  limit?: number;
}

/**
 * The datalake index: which processes, streams and blocks exist. Listings are
 * ordered by (insert_time, id).
 *
 * insert_time guarantee (the lakehouse partitions by it): the catalog assigns
 * it from one clock per catalog, inside the inserting transaction, while
 * holding a lock that is released only by the commit. So insert_time order is
 * commit order, values strictly increase from one commit to the next (one
 * value per transaction; rows of one batch share it), and they never go back
 * even if the wall clock does (the clock then advances by 1 µs per commit
 * until wall time catches up). insertTimeWatermark() returns W such that every
 * row with insert_time <= W is committed and visible, and every later commit
 * gets insert_time > W: a partition whose insert range ends at or before W is
 * complete and can never gain a block.
 */
export interface Catalog {
  /** Creates or upgrades the schema; safe to run concurrently from many processes, a no-op when up to date. */
  migrate(): Promise<void>;
  /** Highest applied migration (0 before the first migrate()). */
  schemaVersion(): Promise<number>;

  /** Idempotent on process_id: a second insert leaves the first row untouched. */
  insertProcess(p: NewProcess): Promise<InsertResult>;
  /** Idempotent on stream_id; UNKNOWN_PROCESS when its process is not in the catalog, CONFLICT when the id belongs to another process. */
  insertStream(s: NewStream): Promise<InsertResult>;
  /**
   * Idempotent on block_id; UNKNOWN_STREAM when its stream is not in the catalog, CONFLICT when
   * process_id is not the stream's or the id is taken by another stream. Concurrent calls are
   * committed together (group commit): one transaction and one fsync for all of them.
   */
  insertBlock(b: NewBlock): Promise<InsertResult>;
  /** One transaction for all rows; a bad row is rejected alone, the others still commit. Results are in input order. */
  insertBlocks(rows: NewBlock[]): Promise<BatchInsertResult[]>;

  getProcess(processId: string): Promise<ProcessRow | undefined>;
  getStream(streamId: string): Promise<StreamRow | undefined>;
  getBlock(blockId: string): Promise<BlockRow | undefined>;
  listProcesses(filter?: ProcessFilter): Promise<ProcessRow[]>;
  listStreams(filter?: StreamFilter): Promise<StreamRow[]>;
  listBlocks(filter?: BlockFilter): Promise<BlockRow[]>;

  /** See the insert_time guarantee above. Takes the clock lock briefly: call it per planning step, not per row. */
  insertTimeWatermark(): Promise<Micros>;
  /**
   * The insert time of the latest commit, read without moving the clock: every row with insert_time <= it is
   * committed and visible (commits take increasing insert times in commit order). It only moves when rows are
   * inserted, so it cannot close a range that sees no insert (merging needs insertTimeWatermark()); enough
   * for a query, which only needs every committed row up to some point. A read, no write.
   */
  committedInsertTime(): Promise<Micros>;

  /**
   * Records a built partition as live and, in the same transaction, retires every live partition
   * of the same view instance whose insert range overlaps it (whatever its schema version).
   * Idempotent on file_path. Concurrent calls for one view instance are serialized.
   */
  upsertPartition(p: NewPartition): Promise<UpsertPartitionResult>;
  /**
   * The build log: one row per partition upsertPartition recorded (not for a duplicate), by any
   * node, kept when the partition is retired or deleted; ordered by built_at.
   */
  listPartitionBuilds(filter?: PartitionBuildFilter): Promise<PartitionBuildRow[]>;
  /** Deletes the build log rows older than `builtBefore` (µs); returns how many (the maintenance loop keeps the log bounded). */
  pruneBuildLog(builtBefore: Micros): Promise<number>;
  /** Ordered by (begin_insert_time, created_at). */
  listPartitions(filter: PartitionFilter): Promise<PartitionRow[]>;
  /** Retires the matching live partitions and returns them. */
  retirePartitions(filter: RetireFilter): Promise<PartitionRow[]>;

  /** Retired partitions that have a file, retired before `retiredBefore`, oldest first. */
  listRetiredPartitions(filter: RetiredFilter): Promise<PartitionRow[]>;
  /** Removes the records of retired partitions by file path (their files are deleted); live ones are never removed. Returns how many. */
  deleteRetiredPartitions(filePaths: string[]): Promise<number>;

  /** Per insert-time slice, the matching blocks' count and Σ nb_objects, ordered by slice (see BlockSliceQuery). */
  blockSlices(query: BlockSliceQuery): Promise<BlockSlice[]>;
  /** The matching blocks, ordered by (insert_time, block_id). */
  listTaggedBlocks(filter: TaggedBlockFilter): Promise<BlockRow[]>;
  /** Processes by insert time (half-open), each with its most recently inserted block. */
  listProcessActivity(filter?: ActivityFilter): Promise<ProcessActivityRow[]>;
  /** Streams by insert time (half-open), each with the insert time of its most recent block. */
  listStreamActivity(filter?: ActivityFilter): Promise<StreamActivityRow[]>;

  /** Kept processes, retention policies, deletion of blocks and what was built from them (retention.ts). */
  readonly retention: RetentionStore;
  /** User view definitions (custom-views.ts). */
  readonly customViews: CustomViewStore;

  /** Throws CatalogError (UNAVAILABLE) when the database cannot answer. */
  health(): Promise<void>;
  /** Where the catalog is, for logs (no password). */
  describe(): string;
  /** Waits for queued inserts, then releases the database. */
  close(): Promise<void>;
}
