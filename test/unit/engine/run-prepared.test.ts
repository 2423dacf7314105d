import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineSession } from '../../../src/engine/engine.js';
import { runCounters } from '../../../src/engine/run-prepared.js';
import { PgError } from '../../../src/wire/pg-error.js';

/**
 * The statement runner opens small results on the calling thread through the
 * native helper (native/duckdb_sync.c), while DuckDB's own threads run them,
 * and leaves long work to the thread pool. These tests pin both paths on a real DuckDB, and that the helper
 * still understands @duckdb/node-bindings' handles.
 */
let engine: Engine;
let session: EngineSession;

beforeAll(async () => {
  engine = await Engine.create({ memoryLimit: '', threads: 2, timeZone: 'UTC' });
  session = await engine.connect();
});
afterAll(() => {
  session.close();
  engine.close();
});

async function rows(sql: string): Promise<{ values: unknown[]; chunks: number }> {
  const stmt = await session.prepare(sql);
  const stream = await session.execute(stmt, sql);
  const values: unknown[] = [];
  let chunks = 0;
  for (let chunk = await stream.next(); chunk; chunk = await stream.next()) {
    chunks++;
    for (let r = 0; r < chunk.rowCount; r++) values.push(chunk.getColumnVector(0).getItem(r));
  }
  return { values, chunks };
}

function snapshot(): typeof runCounters {
  return { ...runCounters };
}

describe('runPrepared', () => {
  it('answers constant queries without thread-pool trips', async () => {
    await rows(`SELECT 0`);
    const before = snapshot();
    for (let i = 0; i < 20; i++) expect((await rows(`SELECT 41 + ${i} AS answer`)).values).toEqual([41 + i]);
    // the budget is wall time: a loaded machine may push some over it (without this path: none here at all)
    expect(runCounters.openedHere - before.openedHere).toBeGreaterThanOrEqual(10);
    expect(runCounters.fetchedInPool - before.fetchedInPool).toBeLessThanOrEqual(10);
  });

  it('streams a large result chunk by chunk, fetching on the pool while work remains', async () => {
    const before = snapshot();
    const { values, chunks } = await rows(`SELECT i FROM range(3000000) t(i)`);
    expect(values.length).toBe(3_000_000);
    expect(values[2_999_999]).toBe(2_999_999n);
    expect(chunks).toBeGreaterThan(1000);
    expect(runCounters.fetchedInPool - before.fetchedInPool).toBeGreaterThan(0);
  });

  it('leaves a query that outlasts the budget to the thread pool, with the right answer', async () => {
    const before = snapshot();
    const { values } = await rows(`SELECT sum(i * 2) FROM range(30000000) t(i)`);
    expect(values).toEqual([899999970000000n]);
    expect(runCounters.openedInPool - before.openedInPool).toBe(1);
  });

  it('never runs a task on the calling thread: a long one cannot stop the event loop', async () => {
    // one task of this cross join runs for seconds; run here, it would hold the timers below until it ends
    const sql = 'SELECT count(*) FROM generate_series(1, 40000) a(x), generate_series(1, 40000) b(y) WHERE a.x + b.y < 0';
    for (let attempt = 0; attempt < 3; attempt++) {
      const stmt = await session.prepare(sql);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 20);
      const interrupt = setTimeout(() => session.connection.interrupt(), 300);
      const outcome = await session.execute(stmt, sql).then((s) => s.next()).then(
        () => 'finished',
        (e: unknown) => (e as Error).message,
      );
      clearInterval(ticker);
      clearTimeout(interrupt);
      expect(outcome).toMatch(/INTERRUPT/i);
      // the event loop turned all along: ~15 ticks before the interrupt (a blocked loop fires one, late)
      expect(ticks).toBeGreaterThanOrEqual(5);
    }
    expect((await rows('SELECT 8')).values).toEqual([8]);
  });

  it('waits on the thread pool when DuckDB has no worker thread to poll', async () => {
    const single = await Engine.create({ memoryLimit: '', threads: 1, timeZone: 'UTC' });
    const s = await single.connect();
    try {
      expect(single.workerThreads).toBe(0);
      const before = snapshot();
      const stream = await s.execute(await s.prepare('SELECT 9 AS v'), 'x');
      expect((await stream.next())?.getColumnVector(0).getItem(0)).toBe(9);
      expect(runCounters.openedInPool - before.openedInPool).toBe(1);
    } finally {
      s.close();
      single.close();
    }
  });

  it('sends every task of a statement marked long to the thread pool', async () => {
    const stmt = await session.prepare(`SELECT 5 AS v`);
    const before = snapshot();
    const stream = await session.execute(stmt, 'x', { mayWaitHere: false });
    expect((await stream.next())?.getColumnVector(0).getItem(0)).toBe(5);
    expect(runCounters.openedInPool - before.openedInPool).toBe(1);
    expect(runCounters.openedHere - before.openedHere).toBe(0);
  });

  it('maps an error raised while the tasks run on the calling thread', async () => {
    const err = await rows(`SELECT 1 // 0::INTEGER, error('boom')`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PgError);
    expect((err as PgError).message).toMatch(/boom/);
    // the session is still usable
    expect((await rows(`SELECT 7`)).values).toEqual([7]);
  });

  it('reports an error raised by a later chunk of a streamed result', async () => {
    const err = await rows(`SELECT CASE WHEN i = 2500000 THEN error('late failure') ELSE i END FROM range(3000000) t(i)`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PgError);
    // the failing row's error, or DuckDB's "Interrupted!" when another of its threads hit the row first
    expect((err as PgError).message).toMatch(/late failure|^Interrupted!$/);
    expect((await rows(`SELECT 8`)).values).toEqual([8]);
  });

  it('binds parameters on the prepared statement as before', async () => {
    const stmt = await session.prepare(`SELECT $1::INTEGER * 3`);
    stmt.bindInteger(1, 5);
    const stream = await session.execute(stmt, 'x');
    const chunk = await stream.next();
    expect(chunk?.getColumnVector(0).getItem(0)).toBe(15);
    expect(await stream.next()).toBeNull();
  });
});
