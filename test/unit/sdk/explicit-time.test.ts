import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecodedBlock } from '../../../src/datalake/block/index.js';
import { TelemetryError, init, type Telemetry } from '../../../src/sdk/index.js';
import { startIngestServer, type IngestServer } from './ingest-server.js';

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

/** An event's time in ns since the epoch, exactly, from its ticks and the registered clock origin. */
function eventNs(b: DecodedBlock, ticks: number): bigint {
  const p = server.received.processes[0] as { start_time: number; start_ticks: string };
  return BigInt(p.start_time) * 1000n + (b.meta.beginTicks + BigInt(ticks) - BigInt(p.start_ticks));
}

const T0 = 1_767_225_600_000_000_123n; // 2026-01-01T00:00:00.000000123Z in ns

describe('explicit-time API', () => {
  it('places logs, formatted logs, metrics and spans at the given ns (bigint) exactly, in any order of time', async () => {
    t = init({ url: server.url, flushOnExit: false });
    t.logAt(T0 + 5n, 3, 'svc', 'static', { k: 1 });
    t.logfAt(T0 + 1n, 4, 'svc', 'user {} took {} ms', ['ann', 12]);
    t.metricAt(T0 + 7n, 'cpu_usage', 'percent', 42, 'host');
    t.beginSpanAt(T0 + 10n, 'outer', 'svc');
    t.beginSpanAt(T0 + 11n, 'inner', 'svc');
    t.endSpanAt(T0 + 20n);
    t.endSpanAt(T0 + 3_600_000_000_000n); // an hour later
    const id = t.beginAsyncSpanAt(T0 + 2n, 'fetch');
    t.endAsyncSpanAt(T0 + 9n, id);
    expect(await t.flush()).toBe(true);
    const blocks = server.received.blocks;
    const logs = blocks.find((b) => b.logs)!;
    expect([0, 1].map((i) => [eventNs(logs, logs.logs!.ticks[i]), logs.strings[logs.logs!.msg[i]]])).toEqual([
      [T0 + 5n, 'static'],
      [T0 + 1n, 'user ann took 12 ms'],
    ]);
    expect(logs.strings[logs.logs!.properties[0]]).toBe('{"k":1}');
    const m = blocks.find((b) => b.metrics)!;
    expect(eventNs(m, m.metrics!.ticks[0])).toBe(T0 + 7n);
    expect(m.strings[m.metrics!.target[0]]).toBe('host');
    const s = blocks.find((b) => b.threadSpans)!;
    const spans = Array.from({ length: s.threadSpans!.count }, (_, i) => [
      eventNs(s, s.threadSpans!.ticks[i]),
      s.threadSpans!.eventType[i],
      s.strings[s.spanDescs.name[s.threadSpans!.desc[i]]],
    ]);
    expect(spans).toEqual([
      [T0 + 10n, 0, 'outer'],
      [T0 + 11n, 0, 'inner'],
      [T0 + 20n, 1, 'inner'],
      [T0 + 3_600_000_000_000n, 1, 'outer'],
    ]);
    const a = blocks.find((b) => b.asyncSpans)!;
    expect([0, 1].map((i) => eventNs(a, a.asyncSpans!.ticks[i]))).toEqual([T0 + 2n, T0 + 9n]);
    expect(Array.from(a.asyncSpans!.spanId)).toEqual([id, id]);
  });

  it('takes ms since the epoch as a number, fractions included', async () => {
    t = init({ url: server.url, flushOnExit: false });
    t.metricAt(1_767_225_600_000.25, 'm', 'count', 1);
    t.logAt(1_767_225_600_001, 4, 'svc', 'pino style', '{"already":"json"}');
    await t.flush();
    const m = server.received.blocks.find((b) => b.metrics)!;
    expect(eventNs(m, m.metrics!.ticks[0])).toBe(1_767_225_600_000_250_000n);
    const l = server.received.blocks.find((b) => b.logs)!;
    expect(eventNs(l, l.logs!.ticks[0])).toBe(1_767_225_600_001_000_000n);
    expect(l.strings[l.logs!.properties[0]]).toBe('{"already":"json"}');
  });

  it('rejects a time that is neither a finite number nor a bigint, naming the method', () => {
    t = init({ url: server.url, flushOnExit: false });
    expect(() => t!.metricAt(Number.NaN, 'm', 'count', 1)).toThrow(TelemetryError);
    expect(() => t!.metricAt(Number.NaN, 'm', 'count', 1)).toThrow(/metricAt: time must be ms since the epoch \(a number\) or ns since the epoch \(a bigint\), got NaN/);
    expect(() => t!.beginSpanAt('2026-01-01' as unknown as number, 'x')).toThrow(/beginSpanAt: time must be/);
    expect(() => t!.endSpanAt(1n)).toThrow(/endSpanAt\(\) without a matching beginSpan\(\)/);
    expect(t!.stats().events).toBe(0);
  });
});
