import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedLogRows, LOG_SELECT, rowsOf } from './expect-rows.js';
import { createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess } from './telemetry.js';

describe('partition cache', () => {
  let h: Harness;
  beforeAll(async () => {
    // Smaller than any file: every file is evicted as soon as no query holds it.
    h = await createHarness('sqlite', { cacheMaxBytes: 1 });
  });
  afterAll(async () => h?.close());

  it('evicts files no query holds, and fetches them again from the object store', async () => {
    const p = await TestProcess.create(h);
    const blocks = [await p.logBlock(logEvents(50, 0))];
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    const first = await h.lakehouse.resolve(ref, {});
    expect(first.files).toHaveLength(1);
    expect(existsSync(first.files[0])).toBe(true); // pinned while the query runs, even over the limit
    first.release();
    // eviction unlinks in the background: wait for it (bounded), do not race it
    for (let i = 0; i < 200 && existsSync(first.files[0]); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(first.files[0])).toBe(false);
    const { builds, cacheMisses } = h.lakehouse.stats();
    const second = await h.lakehouse.resolve(ref, {});
    expect(second.files).toEqual(first.files);
    expect(existsSync(second.files[0])).toBe(true);
    expect(h.lakehouse.stats()).toMatchObject({ builds, cacheMisses: cacheMisses + 1 });
    expect(await rowsOf(h, 'log_entries', second, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, blocks));
    second.release();
  });

  it('keeps recently used files within the limit and adopts them after a restart', async () => {
    const p = await TestProcess.create(h);
    await p.logBlock(logEvents(50, 0));
    const big = h.reopen({ cacheMaxBytes: 1 << 30 });
    const r = await big.resolve({ viewSet: 'log_entries', instanceId: p.id }, {});
    r.release();
    expect(existsSync(r.files[0])).toBe(true);
    const restarted = h.reopen({ cacheMaxBytes: 1 << 30 });
    const again = await restarted.resolve({ viewSet: 'log_entries', instanceId: p.id }, {});
    expect(again.files).toEqual(r.files);
    expect(restarted.stats()).toMatchObject({ builds: 0, cacheHits: 1, cacheMisses: 0 });
    again.release();
  });

  it('drops a lease it was never released after its timeout', async () => {
    const short = h.reopen({ cacheMaxBytes: 1, leaseMs: 20 });
    const p = await TestProcess.create(h);
    await p.logBlock(logEvents(5, 0));
    const r = await short.resolve({ viewSet: 'log_entries', instanceId: p.id }, {});
    expect(existsSync(r.files[0])).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(r.files[0])).toBe(false);
  });
});
