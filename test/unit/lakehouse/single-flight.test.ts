import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedLogRows, LOG_SELECT, rowsOf } from './expect-rows.js';
import { CATALOG_KINDS, createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess } from './telemetry.js';

describe.each(CATALOG_KINDS)('single flight, %s catalog', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => h?.close());

  it('20 concurrent resolves of a cold partition build it once and all read the same file', async () => {
    const p = await TestProcess.create(h);
    const blocks = [await p.logBlock(logEvents(300, 0)), await p.logBlock(logEvents(200, 500_000))];
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.lakehouse.resolve(ref, {})));
    const keys = [...h.lakehouse.stats().buildsByKey].filter(([k]) => k.startsWith(`log_entries/${p.id}/`));
    expect(keys.map(([, n]) => n)).toEqual(keys.map(() => 1));
    expect(h.lakehouse.stats().builds).toBe(keys.length);
    expect(new Set(results.map((r) => r.files.join('|'))).size).toBe(1);
    expect(await rowsOf(h, 'log_entries', results[7], LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, blocks));
    for (const r of results) r.release();

    // A new block: 20 more concurrent resolves rebuild its slice once more, not 20 times.
    const added = await p.logBlock(logEvents(5, 900_000));
    const again = await Promise.all(Array.from({ length: 20 }, () => h.lakehouse.resolve(ref, {})));
    const rebuilt = [...h.lakehouse.stats().buildsByKey].filter(([k]) => k.startsWith(`log_entries/${p.id}/`));
    expect(rebuilt.reduce((n, [, c]) => n + c, 0)).toBe(keys.length + 1);
    expect(await rowsOf(h, 'log_entries', again[19], LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, p, [...blocks, added]));
    for (const r of again) r.release();
  });

  it('concurrent resolves of different view sets build each partition once', async () => {
    const p = await TestProcess.create(h);
    await p.logBlock(logEvents(20, 0));
    await p.metricBlock([{ at: 1, target: 't', name: 'n', unit: 'u', value: 1 }]);
    const before = h.lakehouse.stats().builds;
    const refs = ['log_entries', 'measures', 'log_stats'].map((viewSet) => ({ viewSet, instanceId: viewSet === 'log_stats' ? 'global' : p.id }));
    const results = await Promise.all(refs.flatMap((ref) => Array.from({ length: 5 }, () => h.lakehouse.resolve(ref, {}))));
    const built = [...h.lakehouse.stats().buildsByKey].filter(([k]) => k.includes(p.id) || k.startsWith('log_stats/'));
    expect(built.every(([, n]) => n === 1)).toBe(true);
    expect(h.lakehouse.stats().builds - before).toBe(built.filter(([k]) => k.includes(p.id)).length + built.filter(([k]) => k.startsWith('log_stats/')).length);
    for (const r of results) r.release();
  });
});
