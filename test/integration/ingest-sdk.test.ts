import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, type DecodedBlock } from '../../src/datalake/block/index.js';
import type { StreamRow } from '../../src/datalake/catalog/index.js';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { init } from '../../src/sdk/index.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { streamMeta } from '../unit/ingest/helpers.js';

/** The SDK against the real ingestion service, read back from the catalog and the object store. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function decodedBlocks(stream: StreamRow): Promise<DecodedBlock[]> {
  const { catalog, objectStore } = server.sirius.ingest;
  const rows = await catalog.listBlocks({ streamId: stream.stream_id });
  rows.sort((a, b) => a.object_offset - b.object_offset);
  return Promise.all(rows.map(async (r) => decodeBlock(await objectStore.get(blobKey(r.process_id, r.stream_id, r.block_id)), streamMeta(stream))));
}

describe('SDK → ingestion service → catalog + object store', () => {
  it('delivers logs, metrics, thread spans and async spans that decode to what was recorded', async () => {
    const t = init({ url: server.ingestUrl, processInfo: { exe: 'e2e-app' }, properties: { service: 'checkout' }, maxEventsPerBlock: 64, flushOnExit: false });
    const before = Date.now() * 1000;
    for (let i = 0; i < 150; i++) t.info('http', `request ${i % 3}`, { n: i });
    t.error('db', 'query failed');
    t.infof('http', 'user {} took {} ms', 'alice', 42);
    for (let i = 0; i < 100; i++) t.metric('latency', 'ms', i + 0.5);
    t.metric('queue_depth', 'count', 7n, 'sys');
    const result = t.span('parse', () => 21 * 2);
    t.beginSpan('outer');
    t.beginSpan('inner');
    t.endSpan();
    t.endSpan();
    await t.asyncSpan('fetch', async () => {
      await new Promise((r) => setTimeout(r, 2));
    });
    expect(result).toBe(42);
    expect(await t.shutdown(10_000)).toBe(true);
    const after = Date.now() * 1000;
    const stats = t.stats();
    expect(stats).toMatchObject({ droppedBlocks: 0, rejectedBlocks: 0, queuedBlocks: 0, metadataPending: 0, encodeFailures: 0 });
    expect(stats.sentEvents).toBe(152 + 101 + 6 + 2);

    const { catalog } = server.sirius.ingest;
    const proc = await catalog.getProcess(t.processId);
    expect(proc).toMatchObject({ exe: 'e2e-app', tsc_frequency: 1e9, properties: expect.objectContaining({ service: 'checkout' }) });
    const streams = await catalog.listStreams({ processId: t.processId });
    expect(streams.map((s) => s.tags[0]).sort()).toEqual(['async', 'cpu', 'log', 'metrics']);
    const byTag = (tag: string): StreamRow => streams.find((s) => s.tags[0] === tag)!;

    const logBlocks = await decodedBlocks(byTag('log'));
    expect(logBlocks.length).toBe(3); // 152 logs, 64 per block
    const logs = logBlocks.flatMap((b) => Array.from({ length: b.logs!.count }, (_, i) => ({
      level: b.logs!.level[i], target: b.strings[b.logs!.target[i]], msg: b.strings[b.logs!.msg[i]],
      props: b.logs!.properties[i] < 0 ? null : b.strings[b.logs!.properties[i]], time: b.logs!.time[i],
    })));
    expect(logs[0]).toMatchObject({ level: 4, target: 'http', msg: 'request 0', props: '{"n":0}' });
    expect(logs[149]).toMatchObject({ msg: 'request 2', props: '{"n":149}' });
    expect(logs[150]).toMatchObject({ level: 2, target: 'db', msg: 'query failed', props: null });
    expect(logs[151]).toMatchObject({ level: 4, msg: 'user alice took 42 ms' });
    for (const l of logs) expect(l.time >= before - 1000 && l.time <= after + 1000).toBe(true);

    const m = (await decodedBlocks(byTag('metrics'))).flatMap((b) => Array.from({ length: b.metrics!.count }, (_, i) => ({
      name: b.strings[b.metrics!.name[i]], unit: b.strings[b.metrics!.unit[i]], target: b.strings[b.metrics!.target[i]], value: b.metrics!.value[i],
    })));
    expect(m).toHaveLength(101);
    expect(m.slice(0, 2)).toEqual([{ name: 'latency', unit: 'ms', target: 'app', value: 0.5 }, { name: 'latency', unit: 'ms', target: 'app', value: 1.5 }]);
    expect(m[100]).toEqual({ name: 'queue_depth', unit: 'count', target: 'sys', value: 7 });

    const [cpu] = await decodedBlocks(byTag('cpu'));
    const spans = Array.from({ length: cpu.threadSpans!.count }, (_, i) => `${cpu.threadSpans!.eventType[i] ? 'end' : 'begin'} ${cpu.strings[cpu.spanDescs.name[cpu.threadSpans!.desc[i]]]}`);
    expect(spans).toEqual(['begin parse', 'end parse', 'begin outer', 'begin inner', 'end inner', 'end outer']);
    expect(cpu.strings[cpu.spanDescs.file[cpu.threadSpans!.desc[0]]]).toContain('ingest-sdk.test.ts');

    const [async] = await decodedBlocks(byTag('async'));
    const a = async.asyncSpans!;
    expect(a.count).toBe(2);
    expect([a.eventType[0], a.eventType[1]]).toEqual([0, 1]);
    expect(a.spanId[0]).toBe(a.spanId[1]);
    expect(a.time[1] - a.time[0]).toBeGreaterThanOrEqual(1000); // the 2 ms wait, in µs (timers may fire a little early)
  });
});
