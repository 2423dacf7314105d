import { randomUUID } from 'node:crypto';
import { PgCatalog, type BlockRow, type Catalog, type KeptProcessRow, type PartitionRow, type StreamKind } from '../datalake/catalog/index.js';
import { blobKey, type ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { cutoffsAt, effectivePolicies, type EffectivePolicy, type PolicyDefaults } from './policies.js';
import { addDeleted, newReport, runRow, type RetentionReport } from './report.js';

export interface RetentionOptions {
  defaults: PolicyDefaults;
  /** How long keep() keeps a process when no expiry is given, µs. */
  keepUs: number;
  /** Blocks deleted per catalog transaction. */
  batchBlocks: number;
  /** How long a deleted block's payload stays in the object store (a running build may still read it), ms. */
  payloadGraceMs: number;
  /** Least time between two runs started by the maintenance loop, ms; 0: never from the loop. */
  intervalMs: number;
}

export interface RetentionDeps {
  catalog: Catalog;
  store: ObjectStore;
  log: Logger;
  options: RetentionOptions;
  /** Drops a retired partition's file from the local cache (unless a query holds it). */
  dropCached?: (key: string) => Promise<void>;
}

type Progress = (message: string) => void;

const objectKeyOf = (b: BlockRow): string => blobKey(b.process_id, b.stream_id, b.block_id);
const PURGE_BATCH = 500;
/** Points of one sweep statement. */
const SWEEP_CHUNK = 1000;

/**
 * Retention (docs/retention.md). A run deletes expired blocks in batches; each
 * batch is one catalog transaction that deletes the rows, records their
 * payloads as pending, retires the partitions that may hold their rows and
 * removes streams and processes left empty. Payloads are deleted from the
 * object store afterwards, once the grace period has passed: so at every
 * instant each block row has its payload, and a crash leaves at worst
 * payloads listed as pending, deleted by the next run.
 */
export class RetentionService {
  private chain: Promise<unknown> = Promise.resolve();
  /** When the loop last started a run (ms): the catalog's latest, or this service's start when there is none. */
  private lastLoopRun?: number;

  constructor(private readonly deps: RetentionDeps) {
    if (!Number.isSafeInteger(deps.options.batchBlocks) || deps.options.batchBlocks < 1) throw new RangeError(`retention batch must be at least 1 block, got ${deps.options.batchBlocks}`);
  }

  policies(): Promise<EffectivePolicy[]> {
    return effectivePolicies(this.deps.catalog.retention, this.deps.options.defaults);
  }

  /** null: back to the configured default. */
  async setPolicy(kind: StreamKind, maxAgeUs: number | null): Promise<EffectivePolicy> {
    await this.deps.catalog.retention.setRetentionPolicy(kind, maxAgeUs);
    return (await this.policies()).find((p) => p.kind === kind)!;
  }

  /** Keeps the processes that exist until `expiresAt` (µs; null: until un-kept; undefined: the default keep). */
  keep(ids: string[], expiresAt: number | null | undefined, note: string): Promise<KeptProcessRow[]> {
    const until = expiresAt === undefined ? Date.now() * 1000 + this.deps.options.keepUs : expiresAt;
    return this.deps.catalog.retention.keepProcesses([...new Set(ids)], until, note);
  }

  unkeep(ids: string[]): Promise<string[]> {
    return this.deps.catalog.retention.unkeepProcesses([...new Set(ids)]);
  }

  listKept(): Promise<KeptProcessRow[]> {
    return this.deps.catalog.retention.listKeptProcesses();
  }

  /** Deletes every expired block (and what was built from it), then the payloads past their grace period. */
  run(trigger: string, progress?: Progress): Promise<RetentionReport> {
    return this.exclusive(() => this.recorded(trigger, async (report, points) => {
      const { retention } = this.deps.catalog;
      const now = Date.now() * 1000;
      report.keepsExpired = (await retention.removeExpiredKeeps(now)).length;
      const cutoffs = cutoffsAt(await this.policies(), now);
      const total = await retention.countExpiredBlocks({ cutoffs, now });
      progress?.(`retention: 0/${total} expired block(s) deleted`);
      for (;;) {
        const batch = await retention.listExpiredBlocks({ cutoffs, now, limit: this.deps.options.batchBlocks });
        if (batch.length === 0) break;
        await this.deleteBatch(batch, report, points);
        progress?.(`retention: ${Math.min(report.blocks, total)}/${total} expired block(s) deleted`);
      }
    }, progress));
  }

  /** Deletes all of one process's data: blocks, payloads, partitions built from them, streams, the process, its keep. */
  deleteProcess(processId: string, progress?: Progress): Promise<RetentionReport> {
    return this.exclusive(async () => {
      const { catalog } = this.deps;
      if (!(await catalog.getProcess(processId))) throw new PgError(SqlState.UndefinedObject, `process ${processId} does not exist`);
      return this.recorded(`delete_process ${processId}`, async (report, points) => {
        const slices = await catalog.blockSlices({ processId, sliceWidth: Number.MAX_SAFE_INTEGER });
        const total = slices.reduce((n, s) => n + s.blockCount, 0);
        progress?.(`delete_process: 0/${total} block(s) deleted`);
        for (;;) {
          const batch = await catalog.listBlocks({ processId, limit: this.deps.options.batchBlocks });
          if (batch.length === 0) break;
          await this.deleteBatch(batch, report, points);
          progress?.(`delete_process: ${Math.min(report.blocks, total)}/${total} block(s) deleted`);
        }
        const rest = await catalog.retention.deleteEmptyProcess(processId);
        addDeleted(report, rest);
        await this.forget(rest.retired);
      }, progress);
    });
  }

  /** Deletes the payloads whose rows were deleted longer ago than the grace period; returns how many. */
  async purgePayloads(): Promise<number> {
    const { catalog, store, options } = this.deps;
    const before = (Date.now() - options.payloadGraceMs) * 1000;
    let deleted = 0;
    for (;;) {
      const batch = await catalog.retention.listPendingObjectDeletes(before, PURGE_BATCH);
      if (batch.length === 0) return deleted;
      // the object first, then its record: a crash in between deletes it again (a no-op)
      for (const p of batch) await store.delete(p.object_key);
      deleted += await catalog.retention.removePendingObjectDeletes(batch.map((p) => p.object_key));
      if (batch.length < PURGE_BATCH) return deleted;
    }
  }

  /**
   * Called by each maintenance pass: payloads past their grace period go; a run starts when the
   * interval has passed since the last run the loop started (recorded in the catalog, so restarts do
   * not postpone it). Without any such run, the first waits one interval after start: a new server
   * (a demo, a benchmark) does not delete the data it was just given in its first seconds.
   */
  async onMaintenance(): Promise<RetentionReport | { objectsDeleted: number }> {
    const { intervalMs } = this.deps.options;
    this.lastLoopRun ??= await this.lastMaintenanceRun();
    if (intervalMs > 0 && Date.now() - this.lastLoopRun >= intervalMs) {
      this.lastLoopRun = Date.now();
      return this.run('maintenance');
    }
    return { objectsDeleted: await this.exclusive(() => this.purgePayloads()) };
  }

  private async lastMaintenanceRun(): Promise<number> {
    const runs = await this.deps.catalog.retention.listRetentionRuns(100);
    const last = runs.find((r) => r.trigger === 'maintenance');
    return last ? last.started_at / 1000 : Date.now();
  }

  history(limit = 100) {
    return this.deps.catalog.retention.listRetentionRuns(limit);
  }

  /** A run, recorded in the catalog when it starts and when it ends; then the sweep and the purge. */
  private async recorded(trigger: string, body: (report: RetentionReport, points: Map<string, { instance: string; t: number }>) => Promise<void>, progress?: Progress): Promise<RetentionReport> {
    const { catalog, log } = this.deps;
    const started = Date.now();
    const report = newReport(randomUUID(), trigger);
    // runs are exclusive (see exclusive()): one still 'running' belonged to a node that stopped mid-run
    const interrupted = await catalog.retention.markInterruptedRuns();
    if (interrupted > 0) log.warn({ interrupted }, 'retention runs found interrupted: their nodes stopped before they ended');
    await catalog.retention.recordRetentionRun(runRow(report, started * 1000, 'running'));
    const points = new Map<string, { instance: string; t: number }>();
    try {
      await body(report, points);
      await this.sweep(points, report);
      report.objectsDeleted = await this.purgePayloads();
    } catch (err) {
      report.ms = Date.now() - started;
      await catalog.retention.recordRetentionRun(runRow(report, started * 1000, 'failed', (err as Error).message)).catch(() => undefined);
      log.warn({ err, retention: report }, 'retention run failed');
      throw err;
    }
    report.ms = Date.now() - started;
    await catalog.retention.recordRetentionRun(runRow(report, started * 1000, 'done'));
    progress?.(`${trigger}: ${report.blocks} block(s), ${report.streams} stream(s), ${report.processes} process(es) deleted; ${report.partitionsRetired} partition(s) retired`);
    log.info({ retention: report }, 'retention run');
    return report;
  }

  private async deleteBatch(batch: BlockRow[], report: RetentionReport, points: Map<string, { instance: string; t: number }>): Promise<void> {
    const deleted = await this.deps.catalog.retention.deleteBlocks(batch, objectKeyOf);
    addDeleted(report, deleted);
    await this.forget(deleted.retired);
    for (const b of batch) for (const instance of ['global', b.process_id, b.stream_id]) points.set(`${instance}@${b.insert_time}`, { instance, t: b.insert_time });
  }

  /**
   * A partition build that listed a slice's blocks before a batch committed may record its
   * partition after the batch retired the old one, with rows of deleted blocks: once the blocks
   * are gone, the partitions at their insert times are retired once more (the next query rebuilds).
   */
  private async sweep(points: Map<string, { instance: string; t: number }>, report: RetentionReport): Promise<void> {
    const all = [...points.values()];
    for (let i = 0; i < all.length; i += SWEEP_CHUNK) {
      const retired = await this.deps.catalog.retention.retirePartitionsAt(all.slice(i, i + SWEEP_CHUNK));
      report.partitionsRetired += retired.length;
      await this.forget(retired);
    }
  }

  private async forget(retired: PartitionRow[]): Promise<void> {
    if (!this.deps.dropCached) return;
    for (const p of retired) if (p.file_path) await this.deps.dropCached(p.file_path);
  }

  /** One run at a time in this process and, on a PostgreSQL catalog, across every node sharing it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const { catalog } = this.deps;
    const locked = (): Promise<T> => (catalog instanceof PgCatalog ? catalog.withAdvisoryLock('retention', fn) : fn());
    const next = this.chain.catch(() => undefined).then(locked);
    this.chain = next;
    return next;
  }
}
