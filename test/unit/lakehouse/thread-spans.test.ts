import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/views/index.js';
import { relation } from './expect-rows.js';
import { createHarness, type Harness } from './harness.js';
import { TestProcess, TIME0, type ThreadEvent } from './telemetry.js';

const futureSlice = (minutesAhead: number): number => Math.floor((Date.now() * 1000) / MINUTE) * MINUTE + minutesAhead * MINUTE;

const SELECT = `id, parent, depth::INT AS depth, name, target, filename, line::INT AS line, epoch_us("begin") - ${TIME0} AS b, epoch_us("end") - ${TIME0} AS e, duration`;

describe('thread_spans: nesting rebuilt per stream, across blocks and slices', () => {
  let h: Harness;
  let p: TestProcess;
  const span = (at: number, type: 'begin' | 'end', name: string): ThreadEvent => ({ at, type, name });

  beforeAll(async () => {
    h = await createHarness('sqlite');
    p = await TestProcess.create(h);
    // Slice 0: main and a begin, a ends, b begins. Slice 1: c inside b, b ends; then main ends in another block.
    await h.setInsertClock(futureSlice(5));
    await p.threadBlock([span(0, 'begin', 'main'), span(10, 'begin', 'a'), span(20.5, 'end', 'a'), span(30, 'begin', 'b')]);
    await h.setInsertClock(futureSlice(6));
    await p.threadBlock([span(40, 'begin', 'c'), span(50, 'end', 'c'), span(60, 'end', 'b')]);
    await p.threadBlock([span(100, 'end', 'main')]);
  });
  afterAll(async () => h?.close());

  /** id = the begin event's position in the stream; parent -1 at the top; duration in ns from the ticks. */
  const row = (id: number, parent: number, depth: number, name: string, b: number, e: number, durationNs: number): Record<string, unknown> => ({
    id: BigInt(id),
    parent: BigInt(parent),
    depth,
    name,
    target: `target.${name}`,
    filename: `src/${name}.ts`,
    line: name.length,
    b: BigInt(Math.floor(b)),
    e: BigInt(Math.floor(e)),
    duration: BigInt(durationNs),
  });

  it('are not decoded until a view instance asks for them', async () => {
    const g = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: 'global' }, {});
    g.release();
    expect(h.lakehouse.stats().blocksDecoded.get('thread_spans')).toBeUndefined();
  });

  it('builds a later slice alone, with the spans its earlier blocks left open', async () => {
    const ref = { viewSet: 'thread_spans', instanceId: p.streams.cpu.stream_id };
    const later = await h.lakehouse.resolve(ref, { begin: TIME0 + 40 });
    expect(later.files).toHaveLength(1);
    expect(await h.query(`SELECT ${SELECT} FROM ${relation(h, 'thread_spans', later)} ORDER BY id`)).toEqual([
      row(0, -1, 0, 'main', 0, 100, 100_000),
      row(3, 0, 1, 'b', 30, 60, 30_000),
      row(4, 3, 2, 'c', 40, 50, 10_000),
    ]);
    later.release();
  });

  it('gives every span exactly once over the whole stream', async () => {
    const r = await h.lakehouse.resolve({ viewSet: 'thread_spans', instanceId: p.streams.cpu.stream_id }, {});
    expect(r.files).toHaveLength(2);
    expect(await h.query(`SELECT ${SELECT} FROM ${relation(h, 'thread_spans', r)} ORDER BY id`)).toEqual([
      row(0, -1, 0, 'main', 0, 100, 100_000),
      row(1, 0, 1, 'a', 10, 20, 10_500),
      row(3, 0, 1, 'b', 30, 60, 30_000),
      row(4, 3, 2, 'c', 40, 50, 10_000),
    ]);
    const hashes = await h.query(`SELECT DISTINCT name, hash::BIGINT AS hash FROM ${relation(h, 'thread_spans', r)} ORDER BY name`);
    expect(hashes.every((x) => typeof x.hash === 'bigint' && x.hash > 0n)).toBe(true);
    r.release();
    // Slice 0's block: replayed for the first query, decoded again to build its own partition now.
    expect(h.lakehouse.stats().blocksDecoded.get('thread_spans')).toBe(4);
  });
});
