import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, seededUuid, type GenerateOptions } from '../../src/cli/generate.js';
import { decodeBlock, type DecodedBlock } from '../../src/datalake/block/index.js';
import type { ProcessRow, StreamRow } from '../../src/datalake/catalog/index.js';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { CLI } from '../helpers/process.js';
import { streamMeta } from '../unit/ingest/helpers.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const START_US = Date.parse('2026-01-01T00:00:00Z') * 1000;
const HOUR_US = 3_600_000_000;

async function streamBlocks(stream: StreamRow): Promise<DecodedBlock[]> {
  const { catalog, objectStore } = server.sirius.ingest;
  const rows = (await catalog.listBlocks({ streamId: stream.stream_id })).sort((a, b) => a.object_offset - b.object_offset);
  return Promise.all(rows.map(async (r) => decodeBlock(await objectStore.get(blobKey(r.process_id, r.stream_id, r.block_id)), streamMeta(stream))));
}

/** Slot i of n over one hour, in ns since the epoch (the generator's spec: start + ⌊i·duration/n⌋ ns). */
const slotNs = (i: number, n: number): bigint => BigInt(START_US) * 1000n + (BigInt(i) * BigInt(HOUR_US) * 1000n) / BigInt(n);

/**
 * An event's exact time in ns since the epoch, from its ticks and the process clock origin
 * (start_time at start_ticks, 1e9 ticks per second). Decoded `time` is µs relative to the
 * block's begin_time, which the format rounds to a whole µs, and a double near 1.8e15 µs has
 * a 0.25 µs step: it is within ¾ µs.
 */
function eventNs(proc: ProcessRow, b: DecodedBlock, ticks: number, time: number): bigint {
  const ns = BigInt(proc.start_time) * 1000n + (b.meta.beginTicks + BigInt(ticks) - proc.start_ticks);
  expect(Math.abs(time - (Number(ns / 1000n) + Number(ns % 1000n) / 1000))).toBeLessThanOrEqual(0.75);
  return ns;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'generate', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** A port with nothing listening: bound, then released. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('sirius generate', () => {
  it('sends P processes of L logs, M metrics and S span pairs, spread evenly over [start, start+duration)', async () => {
    const o: GenerateOptions = {
      url: server.ingestUrl, processes: 2, logEvents: 300, metricEvents: 70, spanEvents: 45,
      startUs: START_US, durationUs: HOUR_US, seed: 7, timeoutMs: 20_000, blockEvents: 64,
    };
    const r = await generate(o);
    expect(r).toMatchObject({ acknowledged: true, events: 2 * (300 + 70 + 90), sentEvents: 920, droppedBlocks: 0, rejectedBlocks: 0 });
    expect(r.processIds).toEqual([seededUuid(7, 0), seededUuid(7, 1)]);
    // 64 events per block: 300 → 5 blocks, 70 → 2, 90 → 2; per process.
    expect(r.sentBlocks).toBe(2 * 9);
    const { catalog } = server.sirius.ingest;
    for (const [p, processId] of r.processIds.entries()) {
      const proc = (await catalog.getProcess(processId))!;
      expect(proc).toMatchObject({ exe: `generator-${p}`, properties: expect.objectContaining({ generator_seed: '7' }) });
      const streams = await catalog.listStreams({ processId });
      const byTag = (tag: string): StreamRow => streams.find((s) => s.tags.includes(tag))!;

      const logs = (await streamBlocks(byTag('log'))).flatMap((b) =>
        Array.from({ length: b.logs!.count }, (_, i) => [eventNs(proc, b, b.logs!.ticks[i], b.logs!.time[i]), b.logs!.level[i], b.strings[b.logs!.target[i]], b.strings[b.logs!.msg[i]]]),
      );
      expect(logs).toEqual(Array.from({ length: 300 }, (_, i) => [slotNs(i, 300), (i % 6) + 1, `app::mod${i % 4}`, `event ${i}`]));

      const metrics = (await streamBlocks(byTag('metrics'))).flatMap((b) =>
        Array.from({ length: b.metrics!.count }, (_, i) => [eventNs(proc, b, b.metrics!.ticks[i], b.metrics!.time[i]), b.strings[b.metrics!.name[i]], b.metrics!.value[i], b.strings[b.metrics!.unit[i]], b.strings[b.metrics!.target[i]]]),
      );
      expect(metrics).toEqual(Array.from({ length: 70 }, (_, i) => [slotNs(i, 70), i % 2 === 0 ? 'cpu_usage' : 'mem_usage', i, 'percent', `app::mod${i % 4}`]));

      const spanBlocks = await streamBlocks(byTag('cpu'));
      const spans = spanBlocks.flatMap((b) =>
        Array.from({ length: b.threadSpans!.count }, (_, i) => [eventNs(proc, b, b.threadSpans!.ticks[i], b.threadSpans!.time[i]), b.threadSpans!.eventType[i], b.strings[b.spanDescs.name[b.threadSpans!.desc[i]]]]),
      );
      expect(spans).toEqual(Array.from({ length: 90 }, (_, k) => [slotNs(k, 90), k % 2, `span${(k >> 1) % 4}`]));
      expect(await streamBlocks(byTag('async'))).toEqual([]);
    }
  });

  it('places uneven slots exactly: 7 events over 1 s are ⌊i·10^9/7⌋ ns apart', async () => {
    const o: GenerateOptions = {
      url: server.ingestUrl, processes: 1, logEvents: 7, metricEvents: 0, spanEvents: 0,
      startUs: START_US, durationUs: 1_000_000, seed: 8, timeoutMs: 20_000, blockEvents: 8192,
    };
    const r = await generate(o);
    expect(r.acknowledged).toBe(true);
    const streams = await server.sirius.ingest.catalog.listStreams({ processId: r.processIds[0], tag: 'log' });
    const [b] = await streamBlocks(streams[0]);
    expect(Array.from(b.logs!.ticks)).toEqual(Array.from({ length: 7 }, (_, i) => Math.floor((i * 1e9) / 7)));
    expect(b.meta.beginTime).toBe(START_US);
  });

  it('exits 0 and prints the counts when every block was acknowledged', async () => {
    const r = await run(['--url', server.ingestUrl, '--processes', '3', '--log-events', '1000', '--metric-events', '500', '--span-events', '250', '--seed', '9', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ acknowledged: true, events: 3 * 2000, sentEvents: 6000, droppedBlocks: 0, rejectedBlocks: 0 });
    const text = await run(['--url', server.ingestUrl, '--log-events', '10', '--metric-events', '0', '--span-events', '0', '--duration', '10m', '--start', '2026-03-01T12:00:00Z']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('generated 1 processes × (10 logs + 0 metrics + 0 span pairs) = 10 events over [2026-03-01T12:00:00.000Z, 2026-03-01T12:10:00.000Z)');
    expect(text.stdout).toMatch(/acknowledged 10 events in 1 blocks \(\d+ bytes/);
  });

  it('exits 1 when the server does not acknowledge, and 2 on a bad option', async () => {
    const port = await deadPort();
    const down = await run(['--url', `http://127.0.0.1:${port}`, '--log-events', '10', '--metric-events', '0', '--span-events', '0', '--timeout', '1s', '--json']);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ acknowledged: false, sentEvents: 0 });
    expect(down.stderr).toContain(`not every block was acknowledged by http://127.0.0.1:${port} (0 of 10 events)`);
    const bad = await run(['--duration', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--duration: expected a duration like 1h, 90s, 1h30m or 250ms, got 'soon'");
  });
});
