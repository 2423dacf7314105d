import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/views/index.js';
import { Maintenance, type MaintenanceOptions } from '../../../src/lakehouse/maintenance.js';
import { coverWithMerged } from '../../../src/lakehouse/planner.js';
import type { PartitionRow } from '../../../src/datalake/catalog/index.js';
import { silentLogger } from '../../../src/log/log.js';
import { LOG_SELECT, rowsOf } from './expect-rows.js';
import { CATALOG_KINDS, createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess, TIME0 } from './telemetry.js';

/** An hour boundary ahead of the wall clock: tests move the catalog's insert clock there. */
const futureHour = (): number => Math.ceil((Date.now() * 1000) / HOUR) * HOUR + HOUR;

const OPTIONS: MaintenanceOptions = { intervalMs: 60_000, windowMs: 2 * 3_600_000, retiredGraceMs: 3_600_000 };

function maintenance(h: Harness, over: Partial<MaintenanceOptions> = {}): Maintenance {
  return new Maintenance({ lakehouse: h.lakehouse, catalog: h.catalog, store: h.store, log: silentLogger(), options: { ...OPTIONS, ...over } });
}

const builtKeys = (h: Harness): string[] => [...h.lakehouse.stats().buildsByKey.keys()];

async function allRows(h: Harness, viewSet: string, select: string, orderBy: string, range = {}): Promise<{ files: number; rows: Record<string, unknown>[] }> {
  const r = await h.lakehouse.resolve({ viewSet, instanceId: 'global' }, range);
  try {
    return { files: r.files.length, rows: await rowsOf(h, viewSet, r, select, orderBy) };
  } finally {
    r.release();
  }
}

/** Log and metric blocks in three minutes of hour H, and one log block in the next hour (which closes H). */
async function fillHour(h: Harness, H: number): Promise<TestProcess> {
  const p = await TestProcess.create(h);
  for (const [i, minute] of [1, 2, 30].entries()) {
    await h.setInsertClock(H + minute * MINUTE);
    await p.logBlock(logEvents(20, i * 1_000_000));
    await p.metricBlock([{ at: i * 1_000_000, target: 't', name: 'n', unit: 'u', value: i }]);
  }
  await h.setInsertClock(H + HOUR + MINUTE);
  await p.logBlock(logEvents(5, 10_000_000_000));
  return p;
}

describe.each(CATALOG_KINDS)('maintenance loop, %s catalog', (kind) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('builds the recent slices of the global views without any query, and never spans', async () => {
    h = await createHarness(kind);
    const H = futureHour();
    const p = await TestProcess.create(h);
    await h.setInsertClock(H + 5 * MINUTE);
    await p.logBlock(logEvents(10, 0));
    await p.metricBlock([{ at: 1, target: 't', name: 'n', unit: 'u', value: 1 }]);
    await p.threadBlock([{ at: 1, type: 'begin', name: 'f' }, { at: 2, type: 'end', name: 'f' }]);
    await p.asyncBlock([{ at: 1, type: 'begin', spanId: 1, parent: 0, depth: 0, name: 'a' }]);
    const run = await maintenance(h).runOnce();
    expect(run.errors).toEqual([]);
    const keys = builtKeys(h);
    for (const set of ['log_entries', 'measures', 'log_stats']) expect(keys).toContain(`${set}/global/${H + 5 * MINUTE}`);
    expect(keys).toContain(`blocks/global/${H}`);
    for (const set of ['processes', 'streams']) expect(keys.some((k) => k.startsWith(`${set}/global/`))).toBe(true);
    expect(keys.filter((k) => k.startsWith('thread_spans/') || k.startsWith('async_events/'))).toEqual([]);
    expect(run.built.log_entries).toBe(1);

    // A query now finds everything built; a second run builds nothing.
    const before = h.lakehouse.stats().builds;
    const logs = await allRows(h, 'log_entries', 'msg', 'time');
    expect(logs.rows).toHaveLength(10);
    expect(h.lakehouse.stats().builds).toBe(before);
    expect(Object.values((await maintenance(h).runOnce()).built)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('merges the minute partitions of a closed hour: one file, the same rows', async () => {
    h = await createHarness(kind);
    const H = futureHour();
    await fillHour(h, H);
    const hourRange = { begin: TIME0, end: TIME0 + 1_000_000_000 };
    const logsBefore = await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg', hourRange);
    const statsBefore = await allRows(h, 'log_stats', '*', 'ALL');
    const measuresBefore = await allRows(h, 'measures', '*', 'ALL');
    expect(logsBefore.files).toBe(3);
    expect(statsBefore.files).toBe(4);
    const run = await maintenance(h).runOnce();
    expect(run.errors).toEqual([]);
    expect(run.merged).toEqual(
      expect.arrayContaining([
        { viewSet: 'log_entries', begin: H, end: H + HOUR, replaced: 3 },
        { viewSet: 'measures', begin: H, end: H + HOUR, replaced: 3 },
        { viewSet: 'log_stats', begin: H, end: H + HOUR, replaced: 3 },
      ]),
    );
    const builds = h.lakehouse.stats().builds;
    const logsAfter = await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg', hourRange);
    expect(logsAfter).toEqual({ files: 1, rows: logsBefore.rows });
    expect(await allRows(h, 'log_stats', '*', 'ALL')).toEqual({ files: 2, rows: statsBefore.rows }); // the hour, and the next hour's minute
    expect(await allRows(h, 'measures', '*', 'ALL')).toEqual({ files: 1, rows: measuresBefore.rows });
    expect((await allRows(h, 'log_entries', 'msg', 'msg')).files).toBe(2); // the merged hour and the next hour's minute
    expect(h.lakehouse.stats().builds).toBe(builds);
    expect((await maintenance(h).runOnce()).merged).toEqual([]);
  });

  it('merges an hour before the window that a query built minute by minute', async () => {
    h = await createHarness(kind);
    const H = futureHour();
    await fillHour(h, H);
    // the window is one hour, and the clock is days later: H lies before the window, nothing rebuilds it
    const p = await TestProcess.create(h);
    await h.setInsertClock(H + 50 * HOUR);
    await p.logBlock(logEvents(1, 20_000_000_000));
    const hourRange = { begin: TIME0, end: TIME0 + 1_000_000_000 };
    const before = await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg', hourRange);
    expect(before.files).toBe(3);
    const run = await maintenance(h, { windowMs: 3_600_000 }).runOnce();
    expect(run.errors).toEqual([]);
    expect(run.merged).toContainEqual({ viewSet: 'log_entries', begin: H, end: H + HOUR, replaced: 3 });
    expect(await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg', hourRange)).toEqual({ files: 1, rows: before.rows });
  });

  it('deletes retired files from the store only after the grace period', async () => {
    h = await createHarness(kind);
    const H = futureHour();
    await fillHour(h, H);
    expect((await maintenance(h).runOnce()).deleted).toBe(0);
    const retired = (await h.catalog.listPartitions({ viewSet: 'log_entries', instanceId: 'global', includeRetired: true })).filter((p) => p.retired_at !== null);
    expect(retired).toHaveLength(3);
    for (const p of retired) expect(await h.store.exists(p.file_path!)).toBe(true);
    const rowsBefore = await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg');

    await new Promise((resolve) => setTimeout(resolve, 20));
    const run = await maintenance(h, { retiredGraceMs: 10 }).runOnce();
    expect(run.deleted).toBe(9); // three minutes each of log_entries, measures and log_stats
    for (const p of retired) expect(await h.store.exists(p.file_path!)).toBe(false);
    expect(await h.catalog.listRetiredPartitions({ retiredBefore: Date.now() * 1000 })).toEqual([]);
    expect(await allRows(h, 'log_entries', LOG_SELECT, 'time, block_id, msg')).toEqual(rowsBefore);
  });

  it('runs on its interval once started, keeps a history, and stops', async () => {
    h = await createHarness(kind);
    const m = maintenance(h, { intervalMs: 10 });
    m.start();
    await expect.poll(() => m.history().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await m.stop();
    const n = m.history().length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(m.history().length).toBe(n);
    expect(m.history().every((r) => r.errors.length === 0)).toBe(true);
  });
});

describe('planning over merged partitions', () => {
  const slice = (minute: number, need: number) => ({ begin: minute * MINUTE, end: (minute + 1) * MINUTE, need });
  const merged = (sourceCount: number): PartitionRow => ({
    view_set: 'log_entries', instance_id: 'global', begin_insert_time: 0, end_insert_time: HOUR, schema_version: 1, min_event_time: 1, max_event_time: 2,
    row_count: 10, file_path: 'views/x.parquet', file_size: 1, source_count: sourceCount, created_at: 0, retired_at: null,
  });

  it('replaces the slices a merged partition covers by that partition, once', () => {
    const slices = [slice(1, 3), slice(30, 4), slice(60, 5)];
    expect(coverWithMerged(slices, [merged(7)])).toEqual([{ begin: 0, end: HOUR, need: 7, fresh: merged(7) }, slice(60, 5)]);
  });

  it('keeps the slices, to be rebuilt, when the merged key is below the sum of theirs', () => {
    const slices = [slice(1, 3), slice(30, 4)];
    expect(coverWithMerged(slices, [merged(6)])).toEqual([{ ...slice(1, 3), fresh: undefined }, { ...slice(30, 4), fresh: undefined }]);
  });
});
