import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Catalog, NewPartition, PartitionRow } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';
import { StagedRows, type BlockViewSet, type ViewSetDef } from '../views/index.js';
import type { BlockReader } from './block-reader.js';
import { Lease, type PartitionCache } from './cache.js';
import type { CarryStore } from './carry-store.js';
import { isCustomView } from './custom-views.js';
import type { Instance } from './instance.js';
import { writeParquet } from './parquet-writer.js';
import { sourceKeyOfActivity } from './planner.js';
import type { WriterPool } from './writer-pool.js';

/** One partition to build: a view instance's insert-time slice, reading sources inserted before `bound`. */
export interface SliceTask {
  view: ViewSetDef;
  instance: Instance;
  begin: number;
  end: number;
  /** Exclusive insert-time bound: the catalog watermark + 1 when planned. */
  bound: number;
}

export interface MaterializerDeps {
  catalog: Catalog;
  store: ObjectStore;
  cache: PartitionCache;
  reader: BlockReader;
  carries: CarryStore;
  writers: WriterPool;
  log: Logger;
}

/** The object store key of a partition file; unique per build, so caches never hold a stale copy. */
export function partitionKey(t: SliceTask): string {
  return `views/${t.view.name}/${t.instance.id}/${t.begin}_${t.end}_v${t.view.schemaVersion}_${randomUUID()}.parquet`;
}

/**
 * Builds one partition: reads its sources (blocks or catalog rows), builds the
 * rows, writes Parquet, uploads it, adopts it in the local cache, then records
 * it in the catalog (after the upload, so a recorded file always exists).
 */
export class Materializer {
  constructor(private readonly deps: MaterializerDeps) {}

  async build(task: SliceTask): Promise<NewPartition> {
    const rows = new StagedRows(task.view.columns);
    const sourceCount = await this.stage(task, rows);
    const partition = await this.write(task, rows, sourceCount);
    const { retired } = await this.deps.catalog.upsertPartition(partition);
    await this.forget(retired);
    return partition;
  }

  private async stage(task: SliceTask, out: StagedRows): Promise<number> {
    const { view } = task;
    const { catalog } = this.deps;
    const insertRange = { insertTimeBegin: task.begin, insertTimeEnd: Math.min(task.end, task.bound) };
    if (view.source === 'blocks') return this.stageBlocks(task, view, out);
    if (view.source === 'processes') {
      const rows = await catalog.listProcessActivity({ ...insertRange, blocksInsertTimeEnd: task.bound });
      view.build(rows, out);
      return sourceKeyOfActivity(rows);
    }
    if (view.source === 'streams') {
      const rows = await catalog.listStreamActivity({ ...insertRange, blocksInsertTimeEnd: task.bound });
      view.build(rows, out);
      return sourceKeyOfActivity(rows);
    }
    const blocks = await catalog.listTaggedBlocks(insertRange);
    const { reader } = this.deps;
    view.build(await Promise.all(blocks.map(async (block) => ({ block, stream: await reader.stream(block.stream_id), process: await reader.process(block.process_id) }))), out);
    return blocks.length;
  }

  /** Σ nb_objects of the slice's blocks is the freshness key, whether or not every block could be decoded. */
  private async stageBlocks(task: SliceTask, view: BlockViewSet, out: StagedRows): Promise<number> {
    const { instance } = task;
    const rows = await this.deps.catalog.listTaggedBlocks({
      streamTag: view.streamTag,
      processId: instance.processId,
      streamId: instance.streamId,
      insertTimeBegin: task.begin,
      insertTimeEnd: Math.min(task.end, task.bound),
    });
    // Stream order where the builder needs it; otherwise event-time order, so that a
    // partition's row groups cover narrow time ranges that a time predicate prunes.
    if (view.ordered) rows.sort((a, b) => a.object_offset - b.object_offset);
    else rows.sort((a, b) => a.begin_time - b.begin_time || a.end_time - b.end_time);
    const start = view.carry && instance.streamId ? await this.deps.carries.stateAt(view, instance.streamId, task.begin) : undefined;
    const builder = view.newBuilder(out, start?.state);
    for await (const block of this.deps.reader.read(rows, view.name)) builder.add(block);
    const end = builder.finish();
    if (start && instance.streamId) this.deps.carries.remember(view.name, instance.streamId, Math.min(task.end, task.bound), start.blocks + rows.length, end);
    return rows.reduce((n, r) => n + r.nb_objects, 0);
  }

  private async write(task: SliceTask, rows: StagedRows, sourceCount: number): Promise<NewPartition> {
    const base = { view_set: task.view.name, instance_id: task.instance.id, begin_insert_time: task.begin, end_insert_time: task.end, schema_version: task.view.schemaVersion, source_count: sourceCount };
    if (rows.count === 0) return { ...base, min_event_time: null, max_event_time: null, row_count: 0, file_path: null, file_size: 0 };
    const { cache, store, writers } = this.deps;
    const key = partitionKey(task);
    const tmp = cache.tmpPath(`${randomUUID()}.parquet`);
    await mkdir(dirname(tmp), { recursive: true });
    try {
      const view = task.view;
      // a user view writes its per-partition rows (custom-view-compile.ts), computed from the source's rows
      const transform = isCustomView(view) ? { source: view.custom.source.name, columns: view.columns, sql: view.custom.partialSql } : undefined;
      const written = await writers.use((conn) => writeParquet(conn, rows, tmp, undefined, transform));
      if (written === 0) return { ...base, min_event_time: null, max_event_time: null, row_count: 0, file_path: null, file_size: 0 };
      const bytes = await readFile(tmp);
      await store.put(key, bytes);
      const lease = new Lease(cache);
      await cache.adopt(key, tmp, bytes.length, lease);
      lease.release();
      const [min, max] = timeBounds(rows, task.view.timeColumn);
      return { ...base, min_event_time: min, max_event_time: max, row_count: written, file_path: key, file_size: bytes.length };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async forget(retired: PartitionRow[]): Promise<void> {
    for (const p of retired) if (p.file_path) await this.deps.cache.drop(p.file_path);
  }
}

/** Whole-µs bounds of the view's time column (times are stored rounded down). */
function timeBounds(rows: StagedRows, column: string): [number, number] {
  const times = rows.column<Float64Array>(column);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows.count; i++) {
    const t = times[i];
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [Math.floor(min), Math.floor(max)];
}
