import type { StagedRows } from './staged-rows.js';
import { MINUTE, type BlockRowBuilder, type BlockViewSet, type EventRange, type SourceBlock, type StreamCarry } from './view-set.js';

/**
 * thread_spans: the spans of one `cpu` stream (one thread), rebuilt from the
 * begin/end events that nest like a call stack (Micromegas thread_spans).
 *
 * - A span is a row of the partition whose blocks hold its END event, so it
 *   appears exactly once; a span still open at the end of the data appears
 *   once it ends.
 * - id: the begin event's position in the stream (block object_offset + index),
 *   unique in the stream. parent: the enclosing span's id, -1 at the top.
 *   depth: the number of enclosing spans (0 at the top).
 * - begin/end: µs timestamps; duration: end − begin in ns, from the exact ticks.
 * - Spans begun before the slice come from the stream's earlier blocks: the
 *   lakehouse replays them through `carry` (memoized), so nesting is exact
 *   across slices.
 * - An end that does not match the innermost open span closes the nearest
 *   open span with the same description (the spans above it lost their end,
 *   e.g. in a dropped block, and are discarded); an end with no open span of
 *   its description is ignored.
 */
export interface OpenSpan {
  id: number;
  beginTime: number;
  /** begin_ticks of the span's block, and the span's ticks relative to it. */
  blockTicks: bigint;
  relTicks: number;
  hash: number;
  name: string;
  target: string;
  filename: string;
  line: number;
}

export interface SpanStack {
  open: OpenSpan[];
  /** Ends that matched nothing, and spans discarded for a lost end (for diagnostics). */
  orphanEnds: number;
  lostSpans: number;
}

const newStack = (): SpanStack => ({ open: [], orphanEnds: 0, lostSpans: 0 });

type Emit = (span: OpenSpan, parent: number, depth: number, endTime: number, durationNs: number) => void;

/** Applies one block's thread span events to `stack`, calling `emit` for each span that ends. */
export function applyBlock(stack: SpanStack, block: SourceBlock, emit?: Emit): void {
  const ev = block.decoded.threadSpans;
  if (!ev) return;
  const { spanDescs: d, strings, meta } = block.decoded;
  const nsPerTick = 1e9 / meta.tscFrequency;
  const open = stack.open;
  for (let i = 0; i < ev.count; i++) {
    const desc = ev.desc[i];
    if (ev.eventType[i] === 0) {
      open.push({
        id: block.row.object_offset + i,
        beginTime: Math.floor(ev.time[i]),
        blockTicks: meta.beginTicks,
        relTicks: ev.ticks[i],
        hash: d.hash[desc],
        name: strings[d.name[desc]],
        target: strings[d.target[desc]],
        filename: strings[d.file[desc]],
        line: d.line[desc],
      });
      continue;
    }
    let k = open.length - 1;
    while (k >= 0 && open[k].hash !== d.hash[desc]) k--;
    if (k < 0) {
      stack.orphanEnds++;
      continue;
    }
    stack.lostSpans += open.length - 1 - k;
    const span = open[k];
    open.length = k;
    if (!emit) continue;
    const ticks = span.blockTicks === meta.beginTicks ? ev.ticks[i] - span.relTicks : Number(meta.beginTicks - span.blockTicks) + ev.ticks[i] - span.relTicks;
    emit(span, k > 0 ? open[k - 1].id : -1, k, Math.floor(ev.time[i]), Math.round(ticks * nsPerTick));
  }
}

const carry: StreamCarry<SpanStack> = {
  initial: newStack,
  advance(state, block) {
    const next = { ...state, open: state.open.slice() };
    applyBlock(next, block);
    return next;
  },
};

export const threadSpans: BlockViewSet<SpanStack> = {
  source: 'blocks',
  name: 'thread_spans',
  description: 'spans of one thread (cpu stream), nested; view instances per stream only',
  schemaVersion: 1,
  columns: [
    { name: 'id', kind: 'i64', type: 'BIGINT' },
    { name: 'parent', kind: 'i64', type: 'BIGINT' },
    { name: 'depth', kind: 'u32', type: 'UINTEGER' },
    { name: 'hash', kind: 'u32', type: 'UINTEGER' },
    { name: 'begin', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'end', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'duration', kind: 'i64', type: 'BIGINT' },
    { name: 'name', kind: 'str', type: 'VARCHAR' },
    { name: 'target', kind: 'str', type: 'VARCHAR' },
    { name: 'filename', kind: 'str', type: 'VARCHAR' },
    { name: 'line', kind: 'u32', type: 'UINTEGER' },
  ],
  timeColumn: 'begin',
  instanceKind: 'stream',
  global: false,
  sliceWidth: MINUTE,
  streamTag: 'cpu',
  ordered: true,
  // A span that begins in the range ends at or after it, in a block that may lie past the range's end.
  blockRange: (r: EventRange): EventRange => ({ begin: r.begin }),
  newBuilder: (out, state) => new SpanRows(out, state ?? newStack()),
  carry,
};

class SpanRows implements BlockRowBuilder<SpanStack> {
  private readonly stack: SpanStack;

  constructor(
    private readonly out: StagedRows,
    start: SpanStack,
  ) {
    this.stack = { ...start, open: start.open.slice() };
  }

  add(block: SourceBlock): void {
    const ends = block.decoded.threadSpans?.eventType.reduce((n, t) => n + t, 0) ?? 0;
    if (ends === 0) return applyBlock(this.stack, block);
    const out = this.out;
    const base = out.grow(ends);
    let k = base;
    const [id, parent, begin, end, duration] = ['id', 'parent', 'begin', 'end', 'duration'].map((c) => out.column<Float64Array>(c));
    const [depth, hash, line, name, target, filename] = ['depth', 'hash', 'line', 'name', 'target', 'filename'].map((c) => out.column<Uint32Array>(c));
    const [names, targets, files] = ['name', 'target', 'filename'].map((c) => out.dict(c));
    applyBlock(this.stack, block, (span, parentId, spanDepth, endTime, durationNs) => {
      id[k] = span.id;
      parent[k] = parentId;
      depth[k] = spanDepth;
      hash[k] = span.hash;
      begin[k] = span.beginTime;
      end[k] = endTime;
      duration[k] = durationNs;
      name[k] = names.intern(span.name);
      target[k] = targets.intern(span.target);
      filename[k] = files.intern(span.filename);
      line[k] = span.line;
      k++;
    });
    out.truncate(k);
  }

  finish(): SpanStack {
    return this.stack;
  }
}
