import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBlock } from '../../../src/datalake/block/index.js';
import { init, type Telemetry, type TelemetryOptions } from '../../../src/sdk/index.js';
import { logRows, startIngestServer, until, type IngestServer } from './ingest-server.js';

let server: IngestServer;
let t: Telemetry | undefined;
const warnings: string[] = [];

const start = (opts: Partial<TelemetryOptions> = {}): Telemetry =>
  (t = init({ url: server.url, flushOnExit: false, retryBaseDelayMs: 5, maxRetryDelayMs: 20, onWarning: (m) => warnings.push(m), ...opts }));

beforeEach(async () => {
  server = await startIngestServer();
  warnings.length = 0;
});
afterEach(async () => {
  await t?.shutdown(1000);
  t = undefined;
  await server.close();
});

describe('delivery', () => {
  it("encodes on the calling thread with encodeIn: 'caller': the same events arrive, nothing waits in a worker", async () => {
    start({ encodeIn: 'caller', maxEventsPerBlock: 10 });
    for (let i = 0; i < 25; i++) t!.infof('app', 'event {}', i);
    // two blocks closed by size: encoded at once, so none is still being encoded
    expect(t!.stats()).toMatchObject({ encodingBlocks: 0 });
    expect(await t!.flush(5000)).toBe(true);
    expect(t!.stats()).toMatchObject({ sentBlocks: 3, sentEvents: 25, droppedBlocks: 0, encodeFailures: 0 });
    expect(logRows(server.received).map((r) => r.msg)).toEqual(Array.from({ length: 25 }, (_, i) => `event ${i}`));
  });

  it('refuses an unknown encodeIn', () => {
    expect(() => start({ encodeIn: 'gpu' as never })).toThrow(/option encodeIn must be 'worker' or 'caller', got gpu/);
  });

  it('retries a block on 503 and then delivers the same bytes once', async () => {
    let failures = 2;
    server.respond = (path) => (path === '/ingestion/insert_block' && failures-- > 0 ? 503 : undefined);
    start();
    t!.info('retry me');
    expect(await t!.flush(5000)).toBe(true);
    const bodies = server.received.blockBodies;
    expect(bodies).toHaveLength(3);
    expect(bodies[1].equals(bodies[0]) && bodies[2].equals(bodies[0])).toBe(true);
    expect(server.received.blocks).toHaveLength(1);
    expect(t!.stats()).toMatchObject({ retries: 2, sentBlocks: 1, droppedBlocks: 0, rejectedBlocks: 0 });
    expect(warnings.filter((w) => w.includes('HTTP 503'))).toHaveLength(1);
  });

  it('does not retry a 400: the block is counted as rejected and warned about once', async () => {
    server.respond = (path) => (path === '/ingestion/insert_block' ? 400 : undefined);
    start();
    t!.info('first');
    await t!.flush();
    t!.info('second');
    expect(await t!.flush()).toBe(true);
    expect(server.received.blockBodies).toHaveLength(2);
    expect(t!.stats()).toMatchObject({ rejectedBlocks: 2, retries: 0, sentBlocks: 0 });
    expect(warnings.filter((w) => w.includes('rejected with HTTP 400'))).toHaveLength(1);
  });

  it('drops the oldest event blocks over the byte budget while the server is down, then resumes', async () => {
    start({ maxEventsPerBlock: 50, queueBudgetBytes: 3000 });
    await t!.flush();
    await server.stop();
    for (let i = 0; i < 2000; i++) t!.info('t', `message ${i}`); // 40 blocks of unique texts
    expect(await t!.flush(300)).toBe(false);
    const down = t!.stats();
    expect(down.droppedBlocks).toBeGreaterThan(0);
    expect(down.droppedEvents).toBe(down.droppedBlocks * 50);
    expect(down.queuedBytes).toBeLessThanOrEqual(3000 + 1500); // the budget, plus at most the block on the wire
    expect(warnings.some((w) => w.includes('budget'))).toBe(true);
    await server.restart();
    expect(await t!.flush(5000)).toBe(true);
    const rows = logRows(server.received);
    expect(rows.length).toBe(2000 - down.droppedEvents);
    expect(rows[rows.length - 1].msg).toBe('message 1999'); // the newest survive
    const offsets = server.received.blocks.map((b) => b.meta.objectOffset);
    expect(offsets[offsets.length - 1]).toBe(1950); // offsets keep counting across dropped blocks
  });

  it('never drops registration: blocks wait until the process and streams are in', async () => {
    await server.stop();
    start({ maxEventsPerBlock: 10, queueBudgetBytes: 250 }); // about one block
    for (let i = 0; i < 30; i++) t!.info('t', `early ${i}`);
    expect(await t!.flush(200)).toBe(false);
    expect(t!.stats().metadataPending).toBe(5);
    let processRejections = 2;
    server.respond = (path) => (path === '/ingestion/insert_process' && processRejections-- > 0 ? 400 : undefined);
    await server.restart();
    t!.info('t', 'after restart');
    expect(await t!.flush(5000)).toBe(true);
    expect(server.received.processes).toHaveLength(1);
    expect(server.received.streams).toHaveLength(4);
    const order = server.received.requests.filter((r) => r.status === 200).map((r) => r.path);
    expect(order.slice(0, 5)).toEqual(['/ingestion/insert_process', ...Array(4).fill('/ingestion/insert_stream')]);
    expect(logRows(server.received).map((r) => r.msg)).toContain('after restart');
    expect(t!.stats().droppedBlocks).toBeGreaterThan(0);
  });

  it('a retry after a lost response carries the same block id, so the server stores the block once', async () => {
    let lost = 1;
    server.respond = (path, body) => {
      if (path !== '/ingestion/insert_block' || lost-- <= 0) return undefined;
      server.received.blocks.push(decodeBlock(body)); // stored, but the answer never arrives intact
      return 503;
    };
    start();
    t!.info('exactly once');
    expect(await t!.flush()).toBe(true);
    const [first, retry] = server.received.blockBodies;
    expect(retry.equals(first)).toBe(true);
    expect(server.received.blocks).toHaveLength(1);
    expect(server.received.requests.filter((r) => r.path === '/ingestion/insert_block').map((r) => r.status)).toEqual([503, 200]);
  });

  it('keeps span events in order across blocks, with running object offsets', async () => {
    start({ maxEventsPerBlock: 3 });
    t!.span('outer', () => t!.span('mid', () => t!.span('inner', () => 0)));
    await t!.flush();
    const blocks = server.received.blocks.filter((b) => b.threadSpans);
    expect(blocks.map((b) => [b.meta.objectOffset, b.meta.nbObjects])).toEqual([[0, 3], [3, 3]]);
    const seq = blocks.flatMap((b) => Array.from(b.threadSpans!.desc, (d, i) => `${b.threadSpans!.eventType[i] ? '-' : '+'}${b.strings[b.spanDescs.name[d]]}`));
    expect(seq).toEqual(['+outer', '+mid', '+inner', '-inner', '-mid', '-outer']);
    expect(blocks[1].meta.beginTicks).toBeGreaterThanOrEqual(blocks[0].meta.endTicks);
  });
});
