import { CatalogError } from './errors.js';
import type { PartitionRow } from './partitions.js';
import { checkUuid, type BlockRow, type Micros } from './rows.js';

/**
 * The retention side of the catalog (issue 5, docs/retention.md): kept
 * processes (tail sampling), retention policies per stream kind, deletion of
 * blocks with everything built from them, the payloads waiting to be deleted,
 * and the history of retention runs. Same representation rules as rows.ts.
 */

/** What a stream carries, for retention: known from its tags. */
export type StreamKind = 'log' | 'metrics' | 'spans';
export const STREAM_KINDS: readonly StreamKind[] = ['log', 'metrics', 'spans'];
/** A stream is of every kind one of its tags names; `cpu` (thread spans) and `async` (async spans) are spans. */
export const KIND_TAGS: Readonly<Record<StreamKind, readonly string[]>> = { log: ['log'], metrics: ['metrics'], spans: ['cpu', 'async'] };

export function isStreamKind(k: string): k is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(k);
}

/** The kinds of a stream from its tags; [] when no tag names a kind. */
export function streamKinds(tags: readonly string[]): StreamKind[] {
  return STREAM_KINDS.filter((k) => KIND_TAGS[k].some((t) => tags.includes(t)));
}

export interface KeptProcessRow {
  process_id: string;
  kept_at: Micros;
  /** Null: kept until un-kept. */
  expires_at: Micros | null;
  /** Why it was kept (the query that chose it, or 'ids'). */
  note: string;
}

export interface RetentionPolicyRow {
  kind: StreamKind;
  max_age_us: number;
  updated_at: Micros;
}

/**
 * Expired blocks: a block is expired when its last event (end_time) is older than the cutoff of its
 * stream's kind. A stream of several kinds keeps its blocks for the longest of their retentions (the
 * earliest cutoff); a stream of no known kind uses the earliest cutoff of all. Blocks of processes kept
 * at `now` are never expired.
 */
export interface ExpiredBlockQuery {
  cutoffs: Record<StreamKind, Micros>;
  now: Micros;
  limit: number;
}

export interface DeletedBlocks {
  blocks: number;
  events: number;
  bytes: number;
  /** Streams and processes removed because no block of theirs was left. */
  streams: string[];
  processes: string[];
  /** Live partitions retired because they may hold rows of the deleted blocks. */
  retired: PartitionRow[];
  /** Payloads recorded for deletion (pending_object_deletes). */
  objectKeys: string[];
}

export interface PendingObjectDelete {
  object_key: string;
  deleted_at: Micros;
}

/** One retention run or on-demand deletion, as recorded (µs times). */
export interface RetentionRunRow {
  run_id: string;
  /** 'maintenance', 'sql', or 'delete_process <id>'. */
  trigger: string;
  started_at: Micros;
  finished_at: Micros | null;
  /** interrupted: its node stopped before it ended (found 'running' by a later run). */
  status: 'running' | 'done' | 'failed' | 'interrupted';
  blocks_deleted: number;
  events_deleted: number;
  bytes_deleted: number;
  streams_deleted: number;
  processes_deleted: number;
  partitions_retired: number;
  objects_deleted: number;
  message: string;
}

/** Raw storage of one stream: its blocks, events and payload bytes, and the event time they span. */
export interface StreamStorageRow {
  stream_id: string;
  process_id: string;
  tags: string[];
  blocks: number;
  events: number;
  bytes: number;
  min_time: Micros | null;
  max_time: Micros | null;
}

export interface PartitionSummaryRow {
  view_set: string;
  live: number;
  retired: number;
  rows: number;
  bytes: number;
}

/** The key of a block's payload in the object store (objectstore/keys.ts blobKey). */
export type ObjectKeyOf = (b: BlockRow) => string;

export interface RetentionStore {
  /** Keeps the listed processes that exist (upsert: a new expiry replaces the old one); returns their rows. */
  keepProcesses(ids: string[], expiresAt: Micros | null, note: string): Promise<KeptProcessRow[]>;
  /** Returns the ids that were kept. */
  unkeepProcesses(ids: string[]): Promise<string[]>;
  listKeptProcesses(): Promise<KeptProcessRow[]>;
  /** Removes the keeps that expired at or before `now`; returns them. */
  removeExpiredKeeps(now: Micros): Promise<KeptProcessRow[]>;

  /** null removes the kind's policy (the configured default applies again). */
  setRetentionPolicy(kind: StreamKind, maxAgeUs: number | null): Promise<void>;
  listRetentionPolicies(): Promise<RetentionPolicyRow[]>;

  /** Expired blocks, oldest end_time first. */
  listExpiredBlocks(q: ExpiredBlockQuery): Promise<BlockRow[]>;
  countExpiredBlocks(q: Omit<ExpiredBlockQuery, 'limit'>): Promise<number>;
  /** Retires the live partitions whose instance and insert range hold one of the points (see retirePoints). */
  retirePartitionsAt(points: { instance: string; t: Micros }[]): Promise<PartitionRow[]>;
  /**
   * In one transaction: deletes the rows of these blocks (the ones still there), records their
   * payloads in pending_object_deletes, retires every live partition that may hold their rows
   * (instance global, their process or their stream, whose insert range holds the block's insert
   * time, or the insert time of a process or stream whose blocks changed), and removes the affected
   * streams with no block left, and the affected processes with no block left (with all their
   * streams and their keep).
   */
  deleteBlocks(blocks: BlockRow[], objectKeyOf: ObjectKeyOf): Promise<DeletedBlocks>;
  /** Removes a process that has no block left, its streams and its keep (CONFLICT while it has blocks). */
  deleteEmptyProcess(processId: string): Promise<DeletedBlocks>;

  /** Payloads whose rows were deleted at or before `deletedBefore`, oldest first. */
  listPendingObjectDeletes(deletedBefore: Micros, limit: number): Promise<PendingObjectDelete[]>;
  /** Forgets payloads once they are deleted from the object store; returns how many. */
  removePendingObjectDeletes(keys: string[]): Promise<number>;

  /** Inserts or replaces a run (by run_id). */
  recordRetentionRun(run: RetentionRunRow): Promise<void>;
  /** Marks every run still 'running' as 'interrupted' (call with no run in progress anywhere); returns how many. */
  markInterruptedRuns(): Promise<number>;
  /** Most recent first. */
  listRetentionRuns(limit: number): Promise<RetentionRunRow[]>;

  /** Every stream with its raw storage (streams without blocks too). */
  storageByStream(): Promise<StreamStorageRow[]>;
  /** Partition records per view set. */
  partitionSummary(): Promise<PartitionSummaryRow[]>;
}

export function checkIds(ids: string[]): void {
  for (const id of ids) checkUuid('processes', 'process_id', id);
}

export function checkMaxAge(kind: string, maxAgeUs: number | null): void {
  if (!isStreamKind(kind)) throw new CatalogError('INVALID_INPUT', `retention kind must be one of ${STREAM_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (maxAgeUs !== null && (!Number.isSafeInteger(maxAgeUs) || maxAgeUs <= 0)) throw new CatalogError('INVALID_INPUT', `a retention must be a positive number of µs, got ${maxAgeUs}`);
}

/**
 * The partitions that may hold rows of changed blocks, as (instance id, insert time) points: a
 * partition of that instance whose insert range holds the time. Over-retiring is harmless (the next
 * query rebuilds); missing one would leave rows of deleted blocks readable.
 */
export function retirePoints(blocks: BlockRow[], streams: { stream_id: string; insert_time: Micros }[], processes: { process_id: string; insert_time: Micros }[]): { instance: string; t: Micros }[] {
  const seen = new Set<string>();
  const out: { instance: string; t: Micros }[] = [];
  const add = (instance: string, t: Micros): void => {
    const k = `${instance}@${t}`;
    if (!seen.has(k)) (seen.add(k), out.push({ instance, t }));
  };
  for (const b of blocks) (add('global', b.insert_time), add(b.process_id, b.insert_time), add(b.stream_id, b.insert_time));
  for (const s of streams) add('global', s.insert_time);
  for (const p of processes) add('global', p.insert_time);
  return out;
}

export const emptyDeleted = (): DeletedBlocks => ({ blocks: 0, events: 0, bytes: 0, streams: [], processes: [], retired: [], objectKeys: [] });
