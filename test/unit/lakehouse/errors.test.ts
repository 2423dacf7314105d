import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgError } from '../../../src/wire/pg-error.js';
import { blobKey } from '../../../src/datalake/objectstore/index.js';
import { expectedLogRows, LOG_SELECT, rowsOf } from './expect-rows.js';
import { createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess } from './telemetry.js';

async function pgError(p: Promise<unknown> | (() => unknown)): Promise<PgError> {
  const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PgError);
  return err as PgError;
}

describe('lakehouse errors', () => {
  let h: Harness;
  let p: TestProcess;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    p = await TestProcess.create(h);
    await p.logBlock(logEvents(3));
  });
  afterAll(async () => h?.close());

  it('an unknown view set is 42P01, naming the valid ones (resolve and emptyRelationSql)', async () => {
    const err = await pgError(h.lakehouse.resolve({ viewSet: 'log_entry', instanceId: 'global' }, {}));
    expect(err.code).toBe('42P01');
    expect(err.message).toBe('view set "log_entry" does not exist');
    expect(err.hint).toBe('view sets: processes, streams, blocks, log_entries, measures, thread_spans, async_events, log_stats');
    expect((await pgError(() => h.lakehouse.emptyRelationSql('nope'))).code).toBe('42P01');
  });

  it.each([
    ['a view set without instances', () => ({ viewSet: 'processes', instanceId: randomUUID() }), /view set processes has no view instances/],
    ['the global instance of thread_spans', () => ({ viewSet: 'thread_spans', instanceId: 'global' }), /view set thread_spans has no global instance/],
    ['an id that is not a uuid', () => ({ viewSet: 'log_entries', instanceId: 'my_process_123' }), /'my_process_123' is not a process id \(a UUID\)/],
    ['a stream id where a process id is expected', (s: TestProcess) => ({ viewSet: 'log_entries', instanceId: s.streams.log.stream_id }), /is a stream id, log_entries instances are process ids/],
    ['a process id where a stream id is expected', (s: TestProcess) => ({ viewSet: 'thread_spans', instanceId: s.id }), /is a process id, thread_spans instances are stream ids/],
    ['a stream that does not carry spans', (s: TestProcess) => ({ viewSet: 'thread_spans', instanceId: s.streams.log.stream_id }), /carries \[log\], not cpu/],
    ['an unknown process', () => ({ viewSet: 'measures', instanceId: randomUUID() }), /no process '[0-9a-f-]{36}'/],
    ['an unknown stream', () => ({ viewSet: 'thread_spans', instanceId: randomUUID() }), /no stream '[0-9a-f-]{36}'/],
  ])('%s is 22023 with a clear message', async (_what, ref, message) => {
    const err = await pgError(h.lakehouse.resolve(ref(p), {}));
    expect(err.code).toBe('22023');
    expect(err.message).toMatch(message);
    // The lakehouse still answers afterwards.
    const ok = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id }, {});
    expect(ok.files).toHaveLength(1);
    ok.release();
  });

  it('skips a block whose payload is missing or corrupt, and builds the partition from the others', async () => {
    const q = await TestProcess.create(h);
    const good = await q.logBlock(logEvents(6));
    const missing = await q.logBlock(logEvents(4, 10_000));
    const corrupt = await q.logBlock(logEvents(5, 20_000));
    await h.store.delete(blobKey(q.id, missing.stream_id, missing.block_id));
    await h.store.put(blobKey(q.id, corrupt.stream_id, corrupt.block_id), Buffer.from('not a block'));
    const r = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: q.id }, {});
    expect(await rowsOf(h, 'log_entries', r, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, q, [good]));
    r.release();
    // The partition's key still counts every block: it is fresh, not rebuilt at every query.
    const again = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: q.id }, {});
    expect([...h.lakehouse.stats().buildsByKey].filter(([k]) => k.includes(q.id)).map(([, n]) => n)).toEqual([1]);
    again.release();
  });

  it('accepts an uppercase uuid and a range that selects nothing', async () => {
    const r = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: p.id.toUpperCase() }, { begin: 10, end: 10 });
    expect(r.files).toEqual([]);
    const err = await pgError(h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: 'global' }, { begin: 1.5 }));
    expect(err.code).toBe('22023');
    expect(err.message).toMatch(/time range begin must be an integer number of µs/);
  });
});
