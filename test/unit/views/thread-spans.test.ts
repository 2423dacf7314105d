import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockWriter, decodeBlock, encodeBlock, spanDesc } from '../../../src/datalake/block/index.js';
import type { BlockRow } from '../../../src/datalake/catalog/index.js';
import { applyBlock, findViewSet, StagedRows, type BlockViewSet, type SourceBlock, type SpanStack } from '../../../src/views/index.js';

const T0 = 1_000_000_000_000n;
const TIME0 = 1_700_000_000_000_000;
const descs = new Map(['main', 'a', 'b', 'x'].map((n) => [n, spanDesc(n, 't', 'f.ts', 1)]));

/** A cpu block of [ns after T0, begin/end, name] events, at a stream offset. */
function block(events: [number, 0 | 1, string][], objectOffset: number): SourceBlock {
  const w = new BlockWriter(16);
  for (const [ns, type, name] of events) w.threadSpans.add(T0 + BigInt(ns), type, descs.get(name)!);
  const bytes = encodeBlock({ blockId: randomUUID(), streamId: randomUUID(), processId: randomUUID(), objectOffset, tscFrequency: 1e9, clock: { ticks: T0, timeUs: TIME0 } }, w);
  const decoded = decodeBlock(bytes);
  return { row: { object_offset: objectOffset } as BlockRow, decoded, stream: {} as never, process: {} as never };
}

function ended(stack: SpanStack, b: SourceBlock): { id: number; parent: number; depth: number; name: string; durationNs: number }[] {
  const out: { id: number; parent: number; depth: number; name: string; durationNs: number }[] = [];
  applyBlock(stack, b, (s, parent, depth, _end, durationNs) => out.push({ id: s.id, parent, depth, name: s.name, durationNs }));
  return out;
}

describe('thread span nesting', () => {
  it('measures a span across blocks with exact ns from the ticks', () => {
    const stack: SpanStack = { open: [], orphanEnds: 0, lostSpans: 0 };
    expect(ended(stack, block([[1_000, 0, 'main']], 0))).toEqual([]);
    expect(ended(stack, block([[2_500_000_123, 1, 'main']], 1))).toEqual([{ id: 0, parent: -1, depth: 0, name: 'main', durationNs: 2_499_999_123 }]);
    expect(stack.open).toEqual([]);
  });

  it('closes the nearest matching span when inner ends were lost, and ignores ends of nothing', () => {
    const stack: SpanStack = { open: [], orphanEnds: 0, lostSpans: 0 };
    const rows = ended(stack, block([[0, 1, 'x'], [10, 0, 'main'], [20, 0, 'a'], [30, 0, 'b'], [40, 1, 'a'], [50, 1, 'main']], 0));
    expect(rows).toEqual([
      { id: 2, parent: 1, depth: 1, name: 'a', durationNs: 20 },
      { id: 1, parent: -1, depth: 0, name: 'main', durationNs: 40 },
    ]);
    expect(stack).toMatchObject({ open: [], orphanEnds: 1, lostSpans: 1 });
  });

  it('the view builder hands its open spans to the next slice', () => {
    const view = findViewSet('thread_spans') as BlockViewSet<SpanStack>;
    const first = new StagedRows(view.columns);
    const b1 = view.newBuilder(first, undefined);
    b1.add(block([[0, 0, 'main'], [5, 0, 'a'], [9, 1, 'a']], 0));
    const carried = b1.finish()!;
    expect(first.count).toBe(1);
    expect(carried.open.map((s) => s.name)).toEqual(['main']);
    const second = new StagedRows(view.columns);
    const b2 = view.newBuilder(second, carried);
    b2.add(block([[20, 1, 'main']], 3));
    b2.finish();
    expect([...second.column<Float64Array>('id').subarray(0, 1), ...second.column<Float64Array>('duration').subarray(0, 1)]).toEqual([0, 20]);
    // The carried state itself is not consumed: replaying from it again gives the same span.
    expect(carried.open.map((s) => s.name)).toEqual(['main']);
  });
});
