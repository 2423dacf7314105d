import type { RawRow } from './row-mapping.js';
import type { KeptProcessRow, PartitionSummaryRow, PendingObjectDelete, RetentionPolicyRow, RetentionRunRow, StreamKind, StreamStorageRow } from './retention.js';

/** Retention rows from raw rows, one mapping for both drivers (`num` reads a driver's integer). */
export function retentionMappers(num: (v: unknown) => number, tags: (v: unknown) => string[]) {
  const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
  return {
    kept: (r: RawRow): KeptProcessRow => ({ process_id: r.process_id as string, kept_at: num(r.kept_at), expires_at: numOrNull(r.expires_at), note: r.note as string }),
    policy: (r: RawRow): RetentionPolicyRow => ({ kind: r.kind as StreamKind, max_age_us: num(r.max_age_us), updated_at: num(r.updated_at) }),
    pending: (r: RawRow): PendingObjectDelete => ({ object_key: r.object_key as string, deleted_at: num(r.deleted_at) }),
    run: (r: RawRow): RetentionRunRow => ({
      run_id: r.run_id as string,
      trigger: r.trigger as string,
      started_at: num(r.started_at),
      finished_at: numOrNull(r.finished_at),
      status: r.status as RetentionRunRow['status'],
      blocks_deleted: num(r.blocks_deleted),
      events_deleted: num(r.events_deleted),
      bytes_deleted: num(r.bytes_deleted),
      streams_deleted: num(r.streams_deleted),
      processes_deleted: num(r.processes_deleted),
      partitions_retired: num(r.partitions_retired),
      objects_deleted: num(r.objects_deleted),
      message: r.message as string,
    }),
    storage: (r: RawRow): StreamStorageRow => ({
      stream_id: r.stream_id as string,
      process_id: r.process_id as string,
      tags: tags(r.tags),
      blocks: num(r.blocks),
      events: num(r.events),
      bytes: num(r.bytes),
      min_time: numOrNull(r.min_time),
      max_time: numOrNull(r.max_time),
    }),
    summary: (r: RawRow): PartitionSummaryRow => ({ view_set: r.view_set as string, live: num(r.live), retired: num(r.retired), rows: num(r.rows), bytes: num(r.bytes) }),
  };
}

/** The message of a run found 'running' by a later one: its node stopped (crash, kill) before it ended. */
export const INTERRUPTED = 'interrupted: the node running it stopped before it ended';

export const RUN_COLUMNS = [
  'run_id', 'trigger', 'started_at', 'finished_at', 'status', 'blocks_deleted', 'events_deleted', 'bytes_deleted',
  'streams_deleted', 'processes_deleted', 'partitions_retired', 'objects_deleted', 'message',
] as const;
