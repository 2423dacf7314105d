import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlockWriter, encodeBlock, spanDesc, type BlockHeaderInput } from '../../../src/datalake/block/index.js';
import { init, type Telemetry } from '../../../src/sdk/index.js';
import { BufferPool, packBlock, unpackBlock } from '../../../src/sdk/raw-block.js';
import { logRows, startIngestServer, type IngestServer } from './ingest-server.js';

const header: BlockHeaderInput = {
  blockId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', streamId: '1b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  processId: '2b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', objectOffset: 7, tscFrequency: 1e9, clock: { ticks: 1000n, timeUs: 1.7e15 },
};

/** Every kind and every argument type in one writer; `salt` varies the content between blocks. */
function fill(w: BlockWriter, salt: number): void {
  const outer = spanDesc('outer', 'svc', 'a.ts', 3);
  const inner = spanDesc(`inner${salt}`, 'svc', 'a.ts', 9);
  for (let i = 0; i < 300; i++) {
    const t = 1000n + BigInt(i * 1000 + salt);
    w.logs.add(t, 1 + (i % 6), 'svc', `static ${i % 7}`, i % 5 === 0 ? `{"i":${i}}` : undefined);
    w.logs.addFormatted(t + 1n, 4, 'svc', 'user {} took {} ms ({}, {}, {})', [`u${(i + salt) % 11}`, i * 0.5, i, { k: i }, i % 2 === 0]);
    w.metrics.add(t + 2n, 'host', i % 2 ? 'cpu' : 'mem', '%', i % 3 ? i : i / 3);
    w.threadSpans.add(t + 3n, i % 2, i % 4 < 2 ? outer : inner);
    w.asyncSpans.add(t + 4n, i % 2, 1 + (i >> 1), i % 3, i % 3 ? 1 : 0, inner);
  }
}

describe('packed blocks (what the encode worker receives)', () => {
  it('unpack to the bytes encodeBlock gives on the recording thread, also in a reused writer', () => {
    const pool = new BufferPool();
    const inWorker = new BlockWriter(8192);
    for (const salt of [0, 5]) {
      const direct = new BlockWriter(1024);
      fill(direct, salt);
      const expected = encodeBlock(header, direct);
      const recorded = new BlockWriter(1024);
      fill(recorded, salt);
      const { raw, bytes } = packBlock(recorded, pool);
      expect(bytes).toBeGreaterThan(1500 * 8); // at least the ticks of 1500 events
      recorded.reset();
      const received = structuredClone(raw, { transfer: [raw.buffer] });
      expect(raw.buffer.byteLength).toBe(0); // moved, not copied
      unpackBlock(received, inWorker);
      expect(encodeBlock(header, inWorker).equals(expected)).toBe(true);
      inWorker.reset();
      pool.give(received.buffer);
    }
  });
});

describe('blocks waiting in the encode worker', () => {
  let server: IngestServer;
  let t: Telemetry | undefined;
  beforeEach(async () => {
    server = await startIngestServer();
  });
  afterEach(async () => {
    await t?.shutdown(1000);
    t = undefined;
    await server.close();
  });

  it('count against the queue budget, and the oldest are dropped first', async () => {
    t = init({ url: server.url, flushOnExit: false, maxEventsPerBlock: 100, queueBudgetBytes: 20_000 });
    expect(await t.flush()).toBe(true); // registration done
    for (let i = 0; i < 5000; i++) t.info('t', `m${i % 3}`);
    // The loop never yielded: every closed block is still being encoded as far as the sender knows.
    const during = t.stats();
    expect(during.queuedBlocks).toBeGreaterThan(0);
    expect(during.encodingBlocks).toBe(during.queuedBlocks);
    expect(during.queuedBytes).toBeGreaterThan(0);
    expect(during.queuedBytes).toBeLessThanOrEqual(20_000);
    expect(during.droppedBlocks).toBe(50 - during.queuedBlocks);
    expect(during.droppedEvents).toBe(during.droppedBlocks * 100);
    expect(await t.flush()).toBe(true);
    const after = t.stats();
    expect(after).toMatchObject({ queuedBlocks: 0, encodingBlocks: 0, queuedBytes: 0, sentEvents: 5000 - during.droppedEvents, encodeFailures: 0 });
    const offsets = server.received.blocks.filter((b) => b.logs).map((b) => b.meta.objectOffset);
    expect(offsets).toEqual(Array.from({ length: during.queuedBlocks }, (_, i) => 5000 - (during.queuedBlocks - i) * 100)); // the newest survive
    expect(logRows(server.received).at(-1)!.msg).toBe(`m${4999 % 3}`);
  });

  it('count a block the worker cannot encode as an encode failure, with a warning, and forget it', async () => {
    const warnings: string[] = [];
    // The header's process id must be a UUID: the encoder (in the worker) refuses this one.
    t = init({ url: server.url, flushOnExit: false, processInfo: { process_id: 'not-a-uuid' }, onWarning: (m) => warnings.push(m), retryBaseDelayMs: 5 });
    t.info('doomed');
    await t.flush(300);
    expect(t.stats()).toMatchObject({ encodeFailures: 1, encodingBlocks: 0, queuedBlocks: 0, queuedBytes: 0, sentBlocks: 0 });
    expect(warnings).toContain("telemetry block of 1 events could not be encoded and is lost: processId must be a UUID, got 'not-a-uuid'");
  });
});

describe('the transfer buffer pool', () => {
  it('gives the smallest buffer that fits, and over its byte cap lets the smallest go', () => {
    const pool = new BufferPool(3 * 64 * 1024);
    const [a, b, c] = [pool.take(10), pool.take(100_000), pool.take(64 * 1024)];
    expect([a.byteLength, b.byteLength, c.byteLength]).toEqual([65_536, 131_072, 65_536]);
    pool.give(b);
    pool.give(a);
    pool.give(c); // 256 KiB kept > 192 KiB: one 64 KiB buffer goes
    expect(pool.take(70_000)).toBe(b);
    expect([a, c]).toContain(pool.take(1));
    const fresh = pool.take(1); // the other 64 KiB buffer was let go
    expect(fresh).not.toBe(a);
    expect(fresh).not.toBe(c);
  });
});
