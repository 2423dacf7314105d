import type { DeletedBlocks, RetentionRunRow } from '../datalake/catalog/index.js';

/** What one retention run or process deletion did. */
export interface RetentionReport {
  runId: string;
  /** 'maintenance', 'sql', or 'delete_process <id>'. */
  trigger: string;
  blocks: number;
  events: number;
  bytes: number;
  streams: number;
  processes: number;
  partitionsRetired: number;
  /** Payloads deleted from the object store by this run (its own, once the grace period allows, and earlier runs'). */
  objectsDeleted: number;
  /** Keeps whose expiry passed, removed at the start of the run. */
  keepsExpired: number;
  ms: number;
}

export function newReport(runId: string, trigger: string): RetentionReport {
  return { runId, trigger, blocks: 0, events: 0, bytes: 0, streams: 0, processes: 0, partitionsRetired: 0, objectsDeleted: 0, keepsExpired: 0, ms: 0 };
}

export function addDeleted(report: RetentionReport, d: DeletedBlocks): void {
  report.blocks += d.blocks;
  report.events += d.events;
  report.bytes += d.bytes;
  report.streams += d.streams.length;
  report.processes += d.processes.length;
  report.partitionsRetired += d.retired.length;
}

export function runRow(r: RetentionReport, startedUs: number, status: RetentionRunRow['status'], message = ''): RetentionRunRow {
  return {
    run_id: r.runId,
    trigger: r.trigger,
    started_at: startedUs,
    finished_at: status === 'running' ? null : Date.now() * 1000,
    status,
    blocks_deleted: r.blocks,
    events_deleted: r.events,
    bytes_deleted: r.bytes,
    streams_deleted: r.streams,
    processes_deleted: r.processes,
    partitions_retired: r.partitionsRetired,
    objects_deleted: r.objectsDeleted,
    message,
  };
}
