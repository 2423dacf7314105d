import { BlockStrings, type StagedRows } from './staged-rows.js';
import { MINUTE, sameRange, type BlockRowBuilder, type BlockViewSet, type SourceBlock } from './view-set.js';

/**
 * async_events: the begin and end events of async spans, one row each, from a
 * process's `async` streams (Micromegas async_events). Pair them by span_id.
 */
export const asyncEvents: BlockViewSet<undefined> = {
  source: 'blocks',
  name: 'async_events',
  description: "begin/end events of async spans; view instances per process only",
  schemaVersion: 1,
  columns: [
    { name: 'stream_id', kind: 'str', type: 'VARCHAR', runs: true },
    { name: 'block_id', kind: 'str', type: 'VARCHAR', runs: true },
    { name: 'time', kind: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'event_type', kind: 'str', type: 'VARCHAR' },
    { name: 'span_id', kind: 'i64', type: 'BIGINT' },
    { name: 'parent_span_id', kind: 'i64', type: 'BIGINT' },
    { name: 'depth', kind: 'u32', type: 'UINTEGER' },
    { name: 'hash', kind: 'u32', type: 'UINTEGER' },
    { name: 'name', kind: 'str', type: 'VARCHAR' },
    { name: 'filename', kind: 'str', type: 'VARCHAR' },
    { name: 'target', kind: 'str', type: 'VARCHAR' },
    { name: 'line', kind: 'u32', type: 'UINTEGER' },
  ],
  timeColumn: 'time',
  instanceKind: 'process',
  global: false,
  sliceWidth: MINUTE,
  streamTag: 'async',
  ordered: false,
  blockRange: sameRange,
  newBuilder: (out) => new AsyncRows(out),
};

const EVENT_TYPES = ['begin', 'end'];

class AsyncRows implements BlockRowBuilder<undefined> {
  constructor(private readonly out: StagedRows) {}

  add(block: SourceBlock): void {
    const ev = block.decoded.asyncSpans;
    if (!ev || ev.count === 0) return;
    const out = this.out;
    const n = ev.count;
    const at = out.grow(n);
    out.setRun('stream_id', at, block.row.stream_id);
    out.setRun('block_id', at, block.row.block_id);
    out.column<Float64Array>('time').set(ev.time, at);
    out.column<Float64Array>('span_id').set(ev.spanId, at);
    out.column<Float64Array>('parent_span_id').set(ev.parentSpanId, at);
    out.column<Uint32Array>('depth').set(ev.depth, at);
    const types = EVENT_TYPES.map((t) => out.dict('event_type').intern(t));
    const { spanDescs: d, strings } = block.decoded;
    const [names, files, targets] = ['name', 'filename', 'target'].map((c) => new BlockStrings(strings, out.dict(c)));
    const [eventType, hash, name, filename, target, line] = ['event_type', 'hash', 'name', 'filename', 'target', 'line'].map((c) => out.column<Uint32Array>(c));
    for (let i = 0; i < n; i++) {
      const desc = ev.desc[i];
      eventType[at + i] = types[ev.eventType[i]];
      hash[at + i] = d.hash[desc];
      name[at + i] = names.id(d.name[desc]);
      filename[at + i] = files.id(d.file[desc]);
      target[at + i] = targets.id(d.target[desc]);
      line[at + i] = d.line[desc];
    }
  }

  finish(): undefined {
    return undefined;
  }
}
