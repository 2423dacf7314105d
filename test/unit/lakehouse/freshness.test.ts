import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockRow } from '../../../src/datalake/catalog/index.js';
import { findViewSet, MINUTE } from '../../../src/views/index.js';
import { expectedLogRows, LOG_SELECT, relation, rowsOf } from './expect-rows.js';
import { CATALOG_KINDS, createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess, TIME0 } from './telemetry.js';

/** The start of a future insert-time slice: tests move the catalog clock there to place blocks in chosen slices. */
const futureSlice = (minutesAhead: number): number => Math.floor((Date.now() * 1000) / MINUTE) * MINUTE + minutesAhead * MINUTE;

const keyOf = (viewSet: string, instance: string, slice: number): string => `${viewSet}/${instance}/${slice}`;

describe.each(CATALOG_KINDS)('partition freshness, %s catalog', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => h?.close());

  /** Inserts each group of blocks in its own slice; returns the slices. */
  async function placed(p: TestProcess, minutesAhead: number, groups: { at: number; n: number }[][]): Promise<{ slices: number[]; blocks: BlockRow[] }> {
    const slices: number[] = [];
    const blocks: BlockRow[] = [];
    for (const [i, group] of groups.entries()) {
      const slice = futureSlice(minutesAhead + i);
      await h.setInsertClock(slice);
      slices.push(slice);
      for (const g of group) blocks.push(await p.logBlock(logEvents(g.n, g.at)));
    }
    return { slices, blocks };
  }

  it('reuses fresh partitions and rebuilds only the slice that got a new block', async () => {
    const p = await TestProcess.create(h);
    const { slices, blocks } = await placed(p, 10, [[{ at: 0, n: 5 }], [{ at: 50_000, n: 7 }]]);
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    (await h.lakehouse.resolve(ref, {})).release();
    const built = (): (number | undefined)[] => slices.map((s) => h.lakehouse.stats().buildsByKey.get(keyOf('log_entries', p.id, s)));
    expect(built()).toEqual([1, 1]);
    (await h.lakehouse.resolve(ref, {})).release();
    expect(built()).toEqual([1, 1]);
    const added = await p.logBlock(logEvents(3, 90_000)); // the clock is still inside the second slice
    expect(Math.floor(added.insert_time / MINUTE) * MINUTE).toBe(slices[1]);
    const r = await h.lakehouse.resolve(ref, {});
    expect(built()).toEqual([1, 2]);
    expect(await rowsOf(h, 'log_entries', r, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, [...blocks, added]));
    r.release();
  });

  it('shows a late block (inserted later, events earlier) to the next query over its events', async () => {
    const p = await TestProcess.create(h);
    const { blocks } = await placed(p, 20, [[{ at: 100_000_000, n: 4 }]]);
    const range = { begin: TIME0 + 100_000_000, end: TIME0 + 101_000_000 };
    const first = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, range);
    expect(await rowsOf(h, 'log_entries', first, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, blocks));
    first.release();
    await h.setInsertClock(futureSlice(25));
    const late = await p.logBlock(logEvents(2, 100_500_000));
    const elsewhere = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, { begin: TIME0 + 200_000_000 });
    expect(elsewhere.files).toEqual([]);
    const second = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, range);
    expect(await rowsOf(h, 'log_entries', second, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, [...blocks, late]));
    second.release();
  });

  it('reads only the slices whose blocks overlap the range, and no event twice', async () => {
    const p = await TestProcess.create(h);
    const { slices, blocks } = await placed(p, 30, [[{ at: 0, n: 10 }], [{ at: 10_000_000, n: 10 }, { at: 10_005_000, n: 10 }], [{ at: 20_000_000, n: 10 }]]);
    const middle = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, { begin: TIME0 + 10_000_000, end: TIME0 + 10_001_000 });
    expect(middle.files).toHaveLength(1);
    expect(slices.map((s) => h.lakehouse.stats().buildsByKey.get(keyOf('log_entries', p.id, s)))).toEqual([undefined, 1, undefined]);
    const middleBlocks = await h.query(`SELECT DISTINCT block_id FROM ${relation(h, 'log_entries', middle)} ORDER BY 1`);
    expect(middleBlocks.map((r) => r.block_id)).toEqual([blocks[1].block_id, blocks[2].block_id].sort());
    const all = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, {});
    expect(all.files).toHaveLength(3);
    const perBlock = await h.query(`SELECT block_id, count(DISTINCT filename)::INT AS files, count(*)::INT AS n FROM read_parquet([${all.files.map((f) => `'${f}'`).join(', ')}], filename = true) GROUP BY 1 ORDER BY 1`);
    expect(perBlock).toEqual(blocks.map((b) => ({ block_id: b.block_id, files: 1, n: b.nb_objects })).sort((x, y) => (x.block_id < y.block_id ? -1 : 1)));
    middle.release();
    all.release();
  });

  it('retires partitions of an older schema version and rebuilds them', async () => {
    const p = await TestProcess.create(h);
    const { blocks } = await placed(p, 40, [[{ at: 0, n: 6 }]]);
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    (await h.lakehouse.resolve(ref, {})).release();
    const before = await h.catalog.listPartitions({ viewSet: 'log_entries', instanceId: p.id });
    expect(before.map((x) => x.schema_version)).toEqual([1]);
    const view = findViewSet('log_entries')!;
    view.schemaVersion = 2;
    try {
      const restarted = h.reopen();
      const r = await restarted.resolve(ref, {});
      expect(restarted.stats().builds).toBe(1);
      const all = await h.catalog.listPartitions({ viewSet: 'log_entries', instanceId: p.id, includeRetired: true });
      const states = all.map((x) => ({ version: x.schema_version, live: x.retired_at === null })).sort((x, y) => x.version - y.version);
      expect(states).toEqual([
        { version: 1, live: false },
        { version: 2, live: true },
      ]);
      expect(await rowsOf(h, 'log_entries', r, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, blocks));
      r.release();
    } finally {
      view.schemaVersion = 1;
    }
  });
});
