import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Catalog, NewPartition, PartitionRow } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { BlockViewSet, ViewSetDef } from '../views/index.js';
import { Lease, type PartitionCache } from './cache.js';
import type { Instance } from './instance.js';
import { partitionKey } from './materializer.js';
import { sqlString } from './column-plan.js';
import type { WriterPool } from './writer-pool.js';

export interface MergeDeps {
  catalog: Catalog;
  store: ObjectStore;
  cache: PartitionCache;
  writers: WriterPool;
}

/** Why a range was not merged, or the partition that now covers it. */
export type MergeOutcome = { merged: NewPartition; replaced: number } | { skipped: 'already merged' | 'incomplete' | 'nothing to merge' };

/**
 * Merges the complete slice partitions of a closed insert-time range (e.g. the
 * 60 one-minute partitions of an hour) into one partition over the whole
 * range: the files are concatenated in insert order by one DuckDB COPY, so the
 * merged file holds exactly their rows (no block is decoded again). Its
 * freshness key is the sum of theirs; recording it retires them (upsertPartition).
 */
export class PartitionMerger {
  constructor(private readonly deps: MergeDeps) {}

  /** `end` must be at or before the insert-time watermark: a closed range never gains a block. */
  async merge(view: BlockViewSet, instance: Instance, begin: number, end: number): Promise<MergeOutcome> {
    const { catalog } = this.deps;
    const parts = (await catalog.listPartitions({ viewSet: view.name, instanceId: instance.id, insertTimeBegin: begin, insertTimeEnd: end })).filter(
      (p) => p.schema_version === view.schemaVersion,
    );
    if (parts.some((p) => p.begin_insert_time <= begin && p.end_insert_time >= end)) return { skipped: 'already merged' };
    if (parts.length < 2) return { skipped: 'nothing to merge' };
    if (!(await this.complete(view, instance, begin, end, parts))) return { skipped: 'incomplete' };
    const merged = await this.write(view, instance, begin, end, parts);
    const { retired } = await catalog.upsertPartition(merged);
    for (const p of retired) if (p.file_path) await this.deps.cache.drop(p.file_path);
    return { merged, replaced: retired.length };
  }

  /** Every slice of the range that has blocks has a fresh partition of exactly its width, and nothing else is there. */
  private async complete(view: BlockViewSet, instance: Instance, begin: number, end: number, parts: PartitionRow[]): Promise<boolean> {
    if (parts.some((p) => p.begin_insert_time < begin || p.end_insert_time > end || p.end_insert_time - p.begin_insert_time !== view.sliceWidth)) return false;
    const slices = await this.deps.catalog.blockSlices({
      sliceWidth: view.sliceWidth,
      streamTag: view.streamTag,
      processId: instance.processId,
      streamId: instance.streamId,
      insertTimeBegin: begin,
      insertTimeEnd: end,
    });
    const byBegin = new Map(parts.map((p) => [p.begin_insert_time, p]));
    return slices.every((s) => (byBegin.get(s.sliceBegin)?.source_count ?? -1) >= s.objectCount);
  }

  private async write(view: ViewSetDef, instance: Instance, begin: number, end: number, parts: PartitionRow[]): Promise<NewPartition> {
    const withRows = parts.filter((p) => p.file_path !== null);
    const base = { view_set: view.name, instance_id: instance.id, begin_insert_time: begin, end_insert_time: end, schema_version: view.schemaVersion };
    const sourceCount = parts.reduce((n, p) => n + p.source_count, 0);
    const rowCount = withRows.reduce((n, p) => n + p.row_count, 0);
    if (withRows.length === 0) return { ...base, min_event_time: null, max_event_time: null, row_count: 0, file_path: null, file_size: 0, source_count: sourceCount };
    const { cache, store, writers } = this.deps;
    const lease = new Lease(cache);
    const tmp = cache.tmpPath(`${randomUUID()}.parquet`);
    try {
      const files = await Promise.all(withRows.map((p) => cache.get(p.file_path!, lease)));
      await mkdir(dirname(tmp), { recursive: true });
      const list = files.map(sqlString).join(', ');
      await writers.use((conn) => conn.run(`COPY (SELECT * FROM read_parquet([${list}])) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2)`));
      const bytes = await readFile(tmp);
      const key = partitionKey({ view, instance, begin, end, bound: end });
      await store.put(key, bytes);
      const own = new Lease(cache);
      await cache.adopt(key, tmp, bytes.length, own);
      own.release();
      const min = Math.min(...withRows.map((p) => p.min_event_time!));
      const max = Math.max(...withRows.map((p) => p.max_event_time!));
      return { ...base, min_event_time: min, max_event_time: max, row_count: rowCount, file_path: key, file_size: bytes.length, source_count: sourceCount };
    } finally {
      lease.release();
      await rm(tmp, { force: true });
    }
  }
}
