import type { Catalog } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';
import type { Lakehouse } from './lakehouse.js';
import { alignDown } from './planner.js';

/**
 * The global views kept warm. Spans (thread_spans, async_events) are never
 * pre-materialized: they are tail-sampled, built per stream or process on demand.
 */
export const MAINTAINED_VIEW_SETS = ['log_entries', 'measures', 'log_stats', 'blocks', 'processes', 'streams'] as const;

/** Complete one-minute partitions of a closed hour become one partition. */
export const MERGE_WIDTH_US = 3_600_000_000;

export interface MaintenanceOptions {
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** How far back from the insert-time watermark slices are kept built and merged. */
  windowMs: number;
  /** How long a retired partition's file stays readable before it is deleted (longer than a query's lease). */
  retiredGraceMs: number;
  /** How long a partition build log row is kept (default 7 days). */
  buildLogKeepMs?: number;
  /** Runs kept by history() (default 100). */
  historySize?: number;
}

export interface MaintenanceRun {
  /** Wall clock, ms since the epoch. */
  startedAt: number;
  ms: number;
  /** The insert-time watermark (µs) the run worked up to. */
  watermark: number;
  /** Partitions built per view set. */
  built: Record<string, number>;
  merged: { viewSet: string; begin: number; end: number; replaced: number }[];
  /** Retired partition files deleted from the object store. */
  deleted: number;
  /** Build log rows older than buildLogKeepMs deleted. */
  buildLogPruned?: number;
  /** What the retention step did (when the loop runs retention): blocks deleted by a run, payloads deleted. */
  retention?: { runId?: string; blocks: number; objectsDeleted: number };
  /** Steps that failed (the others still ran). */
  errors: { step: string; message: string }[];
}

/** Retention as the loop drives it (src/retention): called once per pass, it decides whether a run is due. */
export interface MaintenanceRetention {
  onMaintenance(): Promise<{ runId?: string; blocks?: number; objectsDeleted: number }>;
}

export interface MaintenanceDeps {
  /** Retention, when this loop runs it (sirius serve / maintain); absent, the loop only maintains partitions. */
  retention?: MaintenanceRetention;
  lakehouse: Lakehouse;
  catalog: Catalog;
  store: ObjectStore;
  log: Logger;
  options: MaintenanceOptions;
}

/**
 * The maintenance loop (docs/lakehouse.md, "Maintenance"): every interval it
 * builds the recent slices of the global views, merges the minute partitions
 * of closed hours, and deletes the files of partitions retired longer ago than
 * the grace period; with retention wired in, it also runs retention when due
 * (src/retention). Its history is an in-memory list (history()), also logged.
 */
/** How far before the window the loop looks for hours that queries built minute by minute, and how often. */
const BACKLOG_US = 7 * 24 * MERGE_WIDTH_US;
const BACKLOG_EVERY_MS = 10 * 60_000;

export class Maintenance {
  private readonly runs: MaintenanceRun[] = [];
  private lastBacklog = -Infinity;
  private timer?: NodeJS.Timeout;
  private current?: Promise<MaintenanceRun>;
  private stopped = true;

  constructor(private readonly deps: MaintenanceDeps) {}

  /** Starts the loop: a run after each interval (counted from the end of the previous run). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.deps.options.intervalMs);
  }

  /** Stops the loop and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  history(): readonly MaintenanceRun[] {
    return this.runs;
  }

  /** One pass; never throws for a failed step (see MaintenanceRun.errors). Runs one at a time. */
  runOnce(): Promise<MaintenanceRun> {
    const run = (this.current ?? Promise.resolve()).catch(() => undefined).then(() => this.pass());
    this.current = run;
    return run;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        if (!this.stopped) this.schedule(this.deps.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<MaintenanceRun> {
    const { catalog, log } = this.deps;
    const started = Date.now();
    const run: MaintenanceRun = { startedAt: started, ms: 0, watermark: 0, built: {}, merged: [], deleted: 0, errors: [] };
    try {
      run.watermark = await catalog.insertTimeWatermark();
      // From the start of the hour, so the hours to merge have all their minutes built.
      const from = alignDown(run.watermark - this.deps.options.windowMs * 1000, MERGE_WIDTH_US);
      // user views created on any node of the catalog are kept warm too
      await this.step(run, 'load custom views', () => this.deps.lakehouse.customViews.load());
      const names = [...MAINTAINED_VIEW_SETS, ...this.deps.lakehouse.customViews.all().map((v) => v.name)];
      for (const name of names) {
        await this.step(run, `refresh ${name}`, async () => {
          run.built[name] = (await this.deps.lakehouse.refresh(name, { begin: from })).built;
        });
      }
      for (const name of names) await this.step(run, `merge ${name}`, () => this.mergeClosedHours(run, name, from));
      if (Date.now() - this.lastBacklog >= BACKLOG_EVERY_MS) {
        this.lastBacklog = Date.now();
        for (const name of names) await this.step(run, `merge older ${name}`, () => this.mergeOlderHours(run, name, from));
      }
      await this.step(run, 'delete retired', () => this.deleteRetired(run));
      await this.step(run, 'prune build log', async () => {
        run.buildLogPruned = await catalog.pruneBuildLog((Date.now() - (this.deps.options.buildLogKeepMs ?? 7 * 86_400_000)) * 1000);
      });
      const { retention } = this.deps;
      if (retention) {
        await this.step(run, 'retention', async () => {
          const r = await retention.onMaintenance();
          run.retention = { runId: r.runId, blocks: r.blocks ?? 0, objectsDeleted: r.objectsDeleted };
        });
      }
    } catch (err) {
      run.errors.push({ step: 'watermark', message: (err as Error).message });
    }
    run.ms = Date.now() - started;
    this.remember(run);
    const level = run.errors.length > 0 ? 'warn' : 'info';
    log[level]({ maintenance: { ...run, built: Object.values(run.built).reduce((a, b) => a + b, 0), merged: run.merged.length } }, 'maintenance run');
    return run;
  }

  private async step(run: MaintenanceRun, name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      run.errors.push({ step: name, message: (err as Error).message });
      this.deps.log.warn({ err, step: name }, 'maintenance step failed');
    }
  }

  /** Hours of [from, watermark] that are closed (end at or before the watermark + 1), for views with narrower slices. */
  private async mergeClosedHours(run: MaintenanceRun, name: string, from: number): Promise<void> {
    const view = this.deps.lakehouse.findView(name);
    if (!view || view.source !== 'blocks' || view.sliceWidth >= MERGE_WIDTH_US) return;
    for (let begin = from; begin + MERGE_WIDTH_US <= run.watermark + 1; begin += MERGE_WIDTH_US) {
      const outcome = await this.deps.lakehouse.merge(name, begin, begin + MERGE_WIDTH_US);
      if ('merged' in outcome) run.merged.push({ viewSet: name, begin, end: begin + MERGE_WIDTH_US, replaced: outcome.replaced });
    }
  }

  /**
   * Hours before the window that a query built minute by minute (a dashboard over last week): merged
   * like recent ones once complete, so the next query over them opens one file per hour, not sixty.
   * Only hours holding at least two minute partitions are tried.
   */
  private async mergeOlderHours(run: MaintenanceRun, name: string, from: number): Promise<void> {
    const view = this.deps.lakehouse.findView(name);
    if (!view || view.source !== 'blocks' || view.sliceWidth >= MERGE_WIDTH_US) return;
    const parts = await this.deps.catalog.listPartitions({ viewSet: name, instanceId: 'global', insertTimeBegin: from - BACKLOG_US, insertTimeEnd: from });
    const minutesPerHour = new Map<number, number>();
    for (const p of parts) {
      if (p.end_insert_time - p.begin_insert_time !== view.sliceWidth) continue;
      const hour = alignDown(p.begin_insert_time, MERGE_WIDTH_US);
      minutesPerHour.set(hour, (minutesPerHour.get(hour) ?? 0) + 1);
    }
    for (const [begin, n] of [...minutesPerHour].sort((a, b) => a[0] - b[0])) {
      if (n < 2) continue;
      const outcome = await this.deps.lakehouse.merge(name, begin, begin + MERGE_WIDTH_US);
      if ('merged' in outcome) run.merged.push({ viewSet: name, begin, end: begin + MERGE_WIDTH_US, replaced: outcome.replaced });
    }
  }

  /** Files of partitions retired before the grace period: deleted from the store and the cache, then their records. */
  private async deleteRetired(run: MaintenanceRun): Promise<void> {
    const { catalog, store, lakehouse } = this.deps;
    const retiredBefore = (Date.now() - this.deps.options.retiredGraceMs) * 1000;
    for (;;) {
      const batch = await catalog.listRetiredPartitions({ retiredBefore, limit: 500 });
      if (batch.length === 0) return;
      const paths = batch.map((p) => p.file_path!);
      for (const path of paths) {
        await store.delete(path);
        await lakehouse.dropCached(path);
      }
      await catalog.deleteRetiredPartitions(paths);
      run.deleted += paths.length;
      if (batch.length < 500) return;
    }
  }

  private remember(run: MaintenanceRun): void {
    this.runs.push(run);
    if (this.runs.length > (this.deps.options.historySize ?? 100)) this.runs.shift();
  }
}
