import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { Catalog, NewPartition, PartitionRow } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import { emptyRelationSql, findViewSet, quoteIdent, VIEW_MACROS_SQL, VIEW_SETS, viewSetInfo, viewSetNames, type ViewSetDef, type ViewSetInfo } from '../views/index.js';
import { BlockReader } from './block-reader.js';
import { Lease, PartitionCache } from './cache.js';
import { CarryStore } from './carry-store.js';
import { CustomViews, isCustomView } from './custom-views.js';
import { invalidRange, lakehouseFailure, unknownViewSet } from './errors.js';
import { resolveInstance, type Instance } from './instance.js';
import { Materializer, type SliceTask } from './materializer.js';
import { PartitionMerger, type MergeOutcome } from './merge.js';
import { buildLockFor } from './pg-lock.js';
import { planSlices } from './planner.js';
import { Limiter, PROCESS_LOCAL_LOCK, SingleFlight, untilAborted, type BuildLock } from './single-flight.js';
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
  /** Serializes builds across processes (default: advisory locks on a PostgreSQL catalog, else this process only). */
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
  private readonly merger: PartitionMerger;
  private readonly flights = new SingleFlight<PartitionInfo>();
  private readonly builds: Limiter;
  private readonly lock: BuildLock;
  private readonly leaseMs: number;
  private readonly counters = new LakehouseCounters();
  private readonly retiredSchemas = new Map<string, Promise<void>>();
  private ready?: Promise<void>;
  /** User views (CREATE MATERIALIZED VIEW), materialized like the built-in ones. */
  readonly customViews: CustomViews;

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
    this.merger = new PartitionMerger({ catalog: deps.catalog, store: deps.store, cache: this.cache, writers: this.writers });
    this.lock = o.lock ?? buildLockFor(deps.catalog);
    this.leaseMs = o.leaseMs ?? 10 * 60_000;
    this.customViews = new CustomViews(deps.catalog, this.writers, deps.log);
    this.customViews.onChange(() => this.retiredSchemas.clear());
  }

  /**
   * The files of a view instance for an event-time range, built as needed.
   * Unknown view set → 42P01 naming the valid ones; a view without instances,
   * a wrong kind of id or an unknown process/stream → 22023.
   */
  async resolve(ref: ViewRef, range: TimeRange, progress?: (msg: string) => void, signal?: AbortSignal): Promise<ResolvedView> {
    const view = this.viewSet(ref.viewSet);
    checkRange(range);
    try {
      await this.init();
      const instance = await resolveInstance(view, ref.instanceId, this.catalog);
      // a canceled statement stops waiting; the builds go on (single flight: others may wait for them too)
      return await this.localFiles(view, await untilAborted(this.buildRange(view, instance, range, progress, true), signal));
    } catch (err) {
      throw lakehouseFailure(err, `resolving ${view.name}/${ref.instanceId}`);
    }
  }

  /**
   * Builds the partitions that a query over this event-time range would read
   * (stale or missing ones; fresh ones are kept) and returns their catalog rows.
   */
  async materializeRange(ref: ViewRef, range: TimeRange, progress?: (msg: string) => void): Promise<PartitionRow[]> {
    const view = this.viewSet(ref.viewSet);
    checkRange(range);
    try {
      await this.init();
      const instance = await resolveInstance(view, ref.instanceId, this.catalog);
      const parts = await this.buildRange(view, instance, range, progress);
      if (parts.length === 0) return [];
      // the catalog rows (with created_at) of exactly these partitions: slices, or merged ones covering several
      const spans = new Set(parts.map((p) => `${p.begin_insert_time}:${p.end_insert_time}`));
      const rows = await this.catalog.listPartitions({ viewSet: view.name, instanceId: instance.id, insertTimeBegin: parts[0].begin_insert_time, insertTimeEnd: parts[parts.length - 1].end_insert_time });
      return rows.filter((p) => spans.has(`${p.begin_insert_time}:${p.end_insert_time}`));
    } catch (err) {
      throw lakehouseFailure(err, `materializing ${view.name}/${ref.instanceId}`);
    }
  }

  /**
   * Retires the live partitions of a view instance whose insert-time range
   * overlaps `range`; the next query rebuilds what it needs.
   */
  async retireRange(ref: ViewRef, range: TimeRange, progress?: (msg: string) => void): Promise<PartitionRow[]> {
    const view = this.viewSet(ref.viewSet);
    checkRange(range);
    try {
      await this.init();
      const instance = await resolveInstance(view, ref.instanceId, this.catalog);
      const retired = await this.catalog.retirePartitions({ viewSet: view.name, instanceId: instance.id, insertTimeBegin: range.begin, insertTimeEnd: range.end });
      for (const p of retired) if (p.file_path) await this.cache.drop(p.file_path);
      progress?.(`retired ${retired.length} partition(s) of ${view.name}/${instance.id}`);
      return retired.sort((a, b) => a.begin_insert_time - b.begin_insert_time);
    } catch (err) {
      throw lakehouseFailure(err, `retiring ${view.name}/${ref.instanceId}`);
    }
  }

  /** The live partitions of every view instance (or of one view set / instance): one catalog query per view set. */
  async listLivePartitions(filter: { viewSet?: string; instanceId?: string } = {}): Promise<PartitionRow[]> {
    const views = filter.viewSet === undefined ? this.allViewSets() : [this.viewSet(filter.viewSet)];
    try {
      const out: PartitionRow[] = [];
      for (const view of views) out.push(...(await this.catalog.listPartitions({ viewSet: view.name, instanceId: filter.instanceId })));
      return out;
    } catch (err) {
      throw lakehouseFailure(err, 'listing partitions');
    }
  }

  /**
   * Builds the stale or missing partitions of a view's global instance whose
   * slices overlap an insert-time range (up to the watermark), without a query:
   * the maintenance loop keeps recent slices warm this way.
   */
  async refresh(viewSet: string, insertRange: TimeRange): Promise<{ slices: number; built: number }> {
    const view = this.viewSet(viewSet);
    checkRange(insertRange);
    try {
      await this.init();
      const instance = await resolveInstance(view, 'global', this.catalog);
      await this.retireOldSchemas(view);
      const bound = (await this.catalog.insertTimeWatermark()) + 1;
      const slices = await planSlices(this.catalog, view, instance, insertRange, bound, 'insert');
      const stale = slices.filter((s) => !s.fresh);
      await Promise.all(stale.map((s) => this.materialize({ view, instance, begin: s.begin, end: s.end, bound }, s.need)));
      return { slices: slices.length, built: stale.length };
    } catch (err) {
      throw lakehouseFailure(err, `refreshing ${view.name}/global`);
    }
  }

  /**
   * Merges the partitions of a closed insert-time range [begin, end) of a
   * block view's global instance into one (see merge.ts). `end` must not be
   * after the insert-time watermark.
   */
  async merge(viewSet: string, begin: number, end: number): Promise<MergeOutcome> {
    const view = this.viewSet(viewSet);
    if (view.source !== 'blocks' || !view.global) throw invalidRange(`view set ${view.name} has no global block partitions to merge`);
    try {
      await this.init();
      const watermark = await this.catalog.insertTimeWatermark();
      if (end > watermark + 1) throw invalidRange(`cannot merge ${view.name} [${begin}, ${end}): it ends after the insert-time watermark ${watermark}`);
      return await this.lock.withLock(`${view.name}/global/merge/${begin}`, () => this.merger.merge(view, { id: 'global' }, begin, end));
    } catch (err) {
      throw lakehouseFailure(err, `merging ${view.name}/global`);
    }
  }

  /**
   * Builds every stale partition of a user view over all time and returns its
   * number of rows (CREATE / REFRESH MATERIALIZED VIEW).
   */
  async populate(name: string, progress?: (msg: string) => void, signal?: AbortSignal): Promise<number> {
    const resolved = await this.resolve({ viewSet: name, instanceId: 'global' }, {}, progress, signal);
    try {
      const relation = resolved.files.length === 0 ? this.emptyRelationSql(name) : this.filesRelationSql(name, resolved.files);
      return await this.writers.use(async (conn) => Number((await conn.runAndReadAll(`SELECT count(*) FROM (${relation})`)).getRows()[0][0]));
    } catch (err) {
      throw lakehouseFailure(err, `counting the rows of ${name}`);
    } finally {
      resolved.release();
    }
  }

  /**
   * Drops a user view: its definition, then its partitions (retired: their
   * files go after the grace period, so running queries keep them).
   * `false` when there was no such view and ifExists was given.
   */
  async dropCustomView(name: string, ifExists: boolean): Promise<boolean> {
    if (!(await this.customViews.drop(name, ifExists))) return false;
    try {
      const retired = await this.catalog.retirePartitions({ viewSet: name });
      for (const p of retired) if (p.file_path) await this.cache.drop(p.file_path);
    } catch (err) {
      // the definition is gone: leftover partitions of the name are retired by the next view of that name
      this.log.warn({ err, view: name }, 'retiring the partitions of a dropped view failed');
    }
    return true;
  }

  /** Drops a file from the local cache unless a query holds it (garbage collection of retired partitions). */
  dropCached(key: string): Promise<void> {
    return this.cache.drop(key);
  }

  /** The SQL of an empty relation with the view's columns (for DESCRIBE before files exist). */
  emptyRelationSql(viewSet: string): string {
    const view = this.viewSet(viewSet);
    return isCustomView(view) ? view.custom.emptySql : emptyRelationSql(view);
  }

  /** SQL of the view over these partition files (their columns cast to the view's declared types). */
  filesRelationSql(viewSet: string, files: string[]): string {
    const view = this.viewSet(viewSet);
    const parquet = `read_parquet([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}])`;
    if (isCustomView(view)) return view.custom.finalSql(parquet);
    return `SELECT ${view.columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} FROM ${parquet}`;
  }

  /** Built-in view sets, then user views. */
  viewSets(): ViewSetInfo[] {
    return this.allViewSets().map((v) =>
      isCustomView(v) ? { ...viewSetInfo(v), columns: v.custom.columns, timeColumn: v.custom.timeColumn ?? '' } : viewSetInfo(v),
    );
  }

  /** The view set of a name, built-in or user view (undefined when neither). */
  findView(name: string): ViewSetDef | undefined {
    return findViewSet(name) ?? this.customViews.get(name);
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
    this.ready ??= Promise.all([this.cache.init(), this.customViews.load()]).then(() => undefined).catch((err: unknown) => {
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
      const columns = isCustomView(view) ? view.custom.columns : view.columns.map((c) => ({ name: c.name, type: c.type }));
      return { files, columns, release: () => lease.release() };
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  /** Plans the range's slices and builds the ones that are not fresh; in insert-time order. */
  /** `quietWhenFresh`: a query that builds nothing reports nothing (progress is for long operations). */
  private async buildRange(view: ViewSetDef, instance: Instance, range: TimeRange, progress?: (msg: string) => void, quietWhenFresh = false): Promise<PartitionInfo[]> {
    await this.retireOldSchemas(view);
    if (range.begin !== undefined && range.end !== undefined && range.begin >= range.end) return [];
    // every committed row up to the latest commit; a read, so queries never queue on the clock row with inserts
    const bound = (await this.catalog.committedInsertTime()) + 1;
    const slices = await planSlices(this.catalog, view, instance, range, bound);
    const toBuild = slices.filter((s) => !s.fresh).length;
    if (toBuild > 0 || !quietWhenFresh) progress?.(`${view.name}/${instance.id}: ${slices.length} partition(s), ${toBuild} to build`);
    return Promise.all(slices.map((s) => s.fresh ?? this.materialize({ view, instance, begin: s.begin, end: s.end, bound }, s.need, progress)));
  }

  private viewSet(name: string): ViewSetDef {
    const view = this.findView(name);
    if (!view) throw unknownViewSet(name, [...viewSetNames(), ...this.customViews.all().map((v) => v.name)]);
    return view;
  }

  private allViewSets(): ViewSetDef[] {
    return [...VIEW_SETS, ...this.customViews.all()];
  }

  private materialize(task: SliceTask, need: number, progress?: (msg: string) => void): Promise<PartitionInfo> {
    const key = `${task.view.name}/${task.instance.id}/${task.begin}`;
    return this.flights.run(
      key,
      need,
      () =>
        this.builds.run(() =>
          this.lock.withLock(key, async () => {
            // Another process may have built it while we waited for the lock.
            const done = this.lock === PROCESS_LOCAL_LOCK ? undefined : await this.builtElsewhere(task, need);
            if (done) return done;
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

  private async builtElsewhere(task: SliceTask, need: number): Promise<PartitionRow | undefined> {
    const parts = await this.catalog.listPartitions({ viewSet: task.view.name, instanceId: task.instance.id, insertTimeBegin: task.begin, insertTimeEnd: task.end });
    return parts.find((p) => p.begin_insert_time === task.begin && p.end_insert_time === task.end && p.schema_version === task.view.schemaVersion && p.source_count >= need);
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


