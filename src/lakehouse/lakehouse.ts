import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { Catalog, NewPartition, PartitionRow } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import { emptyRelationSql, findViewSet, VIEW_MACROS_SQL, VIEW_SETS, viewSetInfo, viewSetNames, type ViewSetDef, type ViewSetInfo } from '../views/index.js';
import { BlockReader } from './block-reader.js';
import { Lease, PartitionCache } from './cache.js';
import { CarryStore } from './carry-store.js';
import { invalidRange, lakehouseFailure, unknownViewSet } from './errors.js';
import { resolveInstance } from './instance.js';
import { Materializer, type SliceTask } from './materializer.js';
import { planSlices } from './planner.js';
import { Limiter, PROCESS_LOCAL_LOCK, SingleFlight, type BuildLock } from './single-flight.js';
import { LakehouseCounters, type LakehouseStats } from './stats.js';
import { WriterPool } from './writer-pool.js';

export interface ViewRef {
  viewSet: string;
  instanceId: string | 'global';
}

export interface TimeRange {
  /** µs, inclusive */
  begin?: number;
  /** µs, exclusive */
  end?: number;
}

export interface LakehouseOptions {
  /** Bound of the local partition cache (default 8 GiB). */
  cacheMaxBytes?: number;
  /** Partitions built at once (default 2): each holds a DuckDB connection and its rows in memory. */
  buildConcurrency?: number;
  /** How long a resolve pins its files when release() is not called (default 10 minutes). */
  leaseMs?: number;
  /** Serializes builds across processes (default: this process only). */
  lock?: BuildLock;
}

export interface ResolvedView {
  /** Local Parquet files, in insert-time order; empty when no partition has rows. */
  files: string[];
  columns: { name: string; type: string }[];
  /** Unpins the files (call when the query that reads them is done). */
  release(): void;
}

type PartitionInfo = NewPartition | PartitionRow;

/**
 * The lakehouse (docs/lakehouse.md): turns a view reference and a time range
 * into the local Parquet files that hold its rows, building the missing or
 * stale partitions first (single-flight per partition).
 */
export class Lakehouse {
  private readonly catalog: Catalog;
  private readonly log: Logger;
  private readonly cache: PartitionCache;
  private readonly reader: BlockReader;
  private readonly writers: WriterPool;
  private readonly materializer: Materializer;
  private readonly flights = new SingleFlight<PartitionInfo>();
  private readonly builds: Limiter;
  private readonly lock: BuildLock;
  private readonly leaseMs: number;
  private readonly counters = new LakehouseCounters();
  private readonly retiredSchemas = new Map<string, Promise<void>>();
  private ready?: Promise<void>;

  constructor(deps: { catalog: Catalog; store: ObjectStore; engine: Engine; config: Config; log: Logger; options?: LakehouseOptions }) {
    const o = deps.options ?? {};
    this.catalog = deps.catalog;
    this.log = deps.log;
    this.cache = new PartitionCache(join(deps.config.dataDir, 'cache'), o.cacheMaxBytes ?? 8 * 2 ** 30, deps.store, deps.log);
    this.reader = new BlockReader(deps.catalog, deps.store, deps.log);
    this.writers = new WriterPool(deps.engine, o.buildConcurrency ?? 2);
    const carries = new CarryStore(deps.catalog, this.reader);
    this.materializer = new Materializer({ catalog: deps.catalog, store: deps.store, cache: this.cache, reader: this.reader, carries, writers: this.writers, log: deps.log });
    this.builds = new Limiter(o.buildConcurrency ?? 2);
    this.lock = o.lock ?? PROCESS_LOCAL_LOCK;
    this.leaseMs = o.leaseMs ?? 10 * 60_000;
  }

  /**
   * The files of a view instance for an event-time range, built as needed.
   * Unknown view set → 42P01 naming the valid ones; a view without instances,
   * a wrong kind of id or an unknown process/stream → 22023.
   */
  async resolve(ref: ViewRef, range: TimeRange, progress?: (msg: string) => void): Promise<ResolvedView> {
    const view = this.viewSet(ref.viewSet);
    checkRange(range);
    try {
      await this.init();
      const instance = await resolveInstance(view, ref.instanceId, this.catalog);
      await this.retireOldSchemas(view);
      if (range.begin !== undefined && range.end !== undefined && range.begin >= range.end) return this.localFiles(view, []);
      const bound = (await this.catalog.insertTimeWatermark()) + 1;
      const slices = await planSlices(this.catalog, view, instance, range, bound);
      progress?.(`${view.name}/${instance.id}: ${slices.length} partition(s), ${slices.filter((s) => !s.fresh).length} to build`);
      const parts = await Promise.all(slices.map((s) => s.fresh ?? this.materialize({ view, instance, begin: s.begin, end: s.end, bound }, s.need, progress)));
      return await this.localFiles(view, parts);
    } catch (err) {
      throw lakehouseFailure(err, `resolving ${view.name}/${ref.instanceId}`);
    }
  }

  /** The SQL of an empty relation with the view's columns (for DESCRIBE before files exist). */
  emptyRelationSql(viewSet: string): string {
    return emptyRelationSql(this.viewSet(viewSet));
  }

  viewSets(): ViewSetInfo[] {
    return VIEW_SETS.map(viewSetInfo);
  }

  /** Statements to run on every DuckDB connection that queries views (the property_get macro and friends). */
  sessionSetupSql(): readonly string[] {
    return VIEW_MACROS_SQL;
  }

  stats(): LakehouseStats {
    return this.counters.snapshot(this.cache.counters, this.reader.counters);
  }

  /** Releases the writer connections; call before closing the engine. */
  close(): void {
    this.writers.close();
  }

  private init(): Promise<void> {
    this.ready ??= this.cache.init().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** The partitions' files in the local cache, pinned until release() (or the lease times out). */
  private async localFiles(view: ViewSetDef, parts: PartitionInfo[]): Promise<ResolvedView> {
    const lease = new Lease(this.cache, this.leaseMs);
    try {
      const files = await Promise.all(parts.filter((p) => p.file_path !== null).map((p) => this.cache.get(p.file_path!, lease)));
      return { files, columns: view.columns.map((c) => ({ name: c.name, type: c.type })), release: () => lease.release() };
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  private viewSet(name: string): ViewSetDef {
    const view = findViewSet(name);
    if (!view) throw unknownViewSet(name, viewSetNames());
    return view;
  }

  private materialize(task: SliceTask, need: number, progress?: (msg: string) => void): Promise<PartitionInfo> {
    const key = `${task.view.name}/${task.instance.id}/${task.begin}`;
    return this.flights.run(
      key,
      need,
      () =>
        this.builds.run(() =>
          this.lock.withLock(key, async () => {
            const started = performance.now();
            const partition = await this.materializer.build(task);
            this.counters.built(key);
            const ms = Math.round(performance.now() - started);
            this.log.debug({ partition: key, rows: partition.row_count, bytes: partition.file_size, ms }, 'partition built');
            progress?.(`built ${key}: ${partition.row_count} row(s) in ${ms} ms`);
            return partition;
          }),
        ),
      (p) => p.source_count >= need,
    );
  }

  /** Once per view set and process: partitions of other schema versions are retired (and their cached files dropped). */
  private retireOldSchemas(view: ViewSetDef): Promise<void> {
    let done = this.retiredSchemas.get(view.name);
    if (!done) {
      done = this.catalog.retirePartitions({ viewSet: view.name, schemaVersionNot: view.schemaVersion }).then(async (retired) => {
        for (const p of retired) if (p.file_path) await this.cache.drop(p.file_path);
        if (retired.length > 0) this.log.info({ viewSet: view.name, retired: retired.length, schemaVersion: view.schemaVersion }, 'retired partitions of other schema versions');
      });
      done.catch(() => this.retiredSchemas.delete(view.name));
      this.retiredSchemas.set(view.name, done);
    }
    return done;
  }
}

function checkRange(range: TimeRange): void {
  for (const [k, v] of Object.entries(range)) {
    if (v !== undefined && !Number.isSafeInteger(v)) throw invalidRange(`time range ${k} must be an integer number of µs since the epoch, got ${String(v)}`);
  }
}

