import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/views/index.js';
import { CATALOG_KINDS, createHarness, type Harness } from '../unit/lakehouse/harness.js';
import { logEvents, TestProcess, TIME0 } from '../unit/lakehouse/telemetry.js';

/**
 * The Lakehouse methods behind the administration functions, on blocks placed
 * in chosen insert-time slices (which a test over the wire cannot choose):
 * materializeRange, listLivePartitions, retireRange of part of a view instance.
 */
const futureSlice = (minutesAhead: number): number => Math.floor((Date.now() * 1000) / MINUTE) * MINUTE + minutesAhead * MINUTE;

describe.each(CATALOG_KINDS)('lakehouse administration, %s catalog', (kind) => {
  let h: Harness;
  let p: TestProcess;
  let slices: number[];
  beforeAll(async () => {
    h = await createHarness(kind);
    p = await TestProcess.create(h);
    slices = [futureSlice(30), futureSlice(31)];
    await h.setInsertClock(slices[0]);
    await p.logBlock(logEvents(5, 0));
    await h.setInsertClock(slices[1]);
    await p.logBlock(logEvents(7, 60_000_000));
  });
  afterAll(async () => h?.close());

  it('materializes one partition per slice, with their row counts, and lists them', async () => {
    const progress: string[] = [];
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    const parts = await h.lakehouse.materializeRange(ref, { begin: TIME0, end: TIME0 + 3_600_000_000 }, (m) => progress.push(m));
    expect(parts.map((x) => [x.begin_insert_time, x.end_insert_time, x.row_count])).toEqual([[slices[0], slices[0] + MINUTE, 5], [slices[1], slices[1] + MINUTE, 7]]);
    expect(progress[0]).toBe(`log_entries/${p.id}: 2 partition(s), 2 to build`);
    expect(progress.filter((m) => m.startsWith('built '))).toHaveLength(2);
    expect(await h.lakehouse.listLivePartitions(ref)).toEqual(parts);
    const all = await h.lakehouse.listLivePartitions();
    expect(all.filter((x) => x.instance_id === p.id)).toEqual(parts);
    // a range with no events needs no partition
    expect(await h.lakehouse.materializeRange(ref, { begin: TIME0 - 2 * 3_600_000_000, end: TIME0 - 3_600_000_000 })).toEqual([]);
  });

  it('retires only the partitions in the range, then the rest', async () => {
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    expect(await h.lakehouse.retireRange(ref, { begin: 0, end: slices[0] })).toEqual([]);
    const first = await h.lakehouse.retireRange(ref, { begin: slices[0], end: slices[0] + MINUTE });
    expect(first.map((x) => [x.begin_insert_time, x.row_count])).toEqual([[slices[0], 5]]);
    expect((await h.lakehouse.listLivePartitions(ref)).map((x) => [x.begin_insert_time, x.row_count])).toEqual([[slices[1], 7]]);
    const rest = await h.lakehouse.retireRange(ref, { begin: slices[0], end: slices[1] + MINUTE });
    expect(rest.map((x) => x.row_count)).toEqual([7]);
    expect(await h.lakehouse.listLivePartitions(ref)).toEqual([]);
  });
});
