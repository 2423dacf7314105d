import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/config.js';
import { PgCatalog } from '../../../src/datalake/catalog/index.js';
import { Lakehouse } from '../../../src/lakehouse/index.js';
import { PgBuildLock } from '../../../src/lakehouse/pg-lock.js';
import { silentLogger } from '../../../src/log/log.js';
import { MINUTE } from '../../../src/views/index.js';
import { expectedLogRows, LOG_SELECT, rowsOf } from './expect-rows.js';
import { createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess } from './telemetry.js';

/**
 * Two nodes sharing a PostgreSQL catalog: two catalog instances on the same
 * schema, two lakehouses with their own cache directories, one process.
 */
describe('PostgreSQL build lock', () => {
  let h: Harness;
  let other: PgCatalog;
  let second: Lakehouse;
  let dataDir: string;
  beforeAll(async () => {
    h = await createHarness('postgres');
    other = new PgCatalog((h.catalog as PgCatalog).target);
    dataDir = mkdtempSync(join(tmpdir(), 'sirius-node2-'));
    second = new Lakehouse({ catalog: other, store: h.store, engine: h.engine, config: defaultConfig({ dataDir }), log: silentLogger() });
  });
  afterAll(async () => {
    second?.close();
    await other?.close();
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const buildsOf = (l: Lakehouse, prefix: string): number => [...l.stats().buildsByKey].filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);

  it('makes two lakehouses on one catalog build a cold partition once between them', async () => {
    const p = await TestProcess.create(h);
    await h.setInsertClock(Math.ceil((Date.now() * 1000) / MINUTE) * MINUTE + 10 * MINUTE);
    const blocks = [await p.logBlock(logEvents(50, 0)), await p.logBlock(logEvents(30, 100_000))];
    const ref = { viewSet: 'log_entries', instanceId: p.id };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? h.lakehouse : second).resolve(ref, {})));
    const prefix = `log_entries/${p.id}/`;
    expect(buildsOf(h.lakehouse, prefix) + buildsOf(second, prefix)).toBe(1);
    expect(new Set(results.map((r) => r.files.length))).toEqual(new Set([1]));
    const expected = await expectedLogRows(h, p, blocks);
    expect(await rowsOf(h, 'log_entries', results[0], LOG_SELECT, 'time, block_id, msg')).toEqual(expected);
    expect(await rowsOf(h, 'log_entries', results[1], LOG_SELECT, 'time, block_id, msg')).toEqual(expected);
    for (const r of results) r.release();
  });

  it('runs holders of one key one at a time, and of different keys at once', async () => {
    const lock = new PgBuildLock(h.catalog as PgCatalog);
    const lock2 = new PgBuildLock(other);
    const events: string[] = [];
    const hold = (l: PgBuildLock, key: string, name: string): Promise<void> =>
      l.withLock(key, async () => {
        events.push(`${name}+`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name}-`);
      });
    await Promise.all([hold(lock, 'k', 'a'), hold(lock2, 'k', 'b')]);
    expect(['a+a-b+b-', 'b+b-a+a-']).toContain(events.join(''));
    events.length = 0;
    await Promise.all([hold(lock, 'k1', 'a'), hold(lock2, 'k2', 'b')]);
    expect(events.slice(0, 2).sort()).toEqual(['a+', 'b+']);
  });

  it('releases the lock when the function throws', async () => {
    const lock = new PgBuildLock(h.catalog as PgCatalog);
    await expect(lock.withLock('boom', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(new PgBuildLock(other).withLock('boom', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
