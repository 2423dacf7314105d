import { randomUUID } from 'node:crypto';
import { BlockWriter, DEPENDENCIES_METADATA, EventKind, encodeBlock, objectsMetadata, readBlockMeta, spanDesc, type SpanDesc } from '../../../src/datalake/block/index.js';
import type { BlockRow, NewProcess, NewStream } from '../../../src/datalake/catalog/index.js';
import { blobKey } from '../../../src/datalake/objectstore/index.js';
import type { Harness } from './harness.js';

/** The process clock of every test process: ticks are ns, TIME0 µs is tick T0. */
export const T0 = 5_000_000_000_000n;
export const TIME0 = 1_700_000_000_000_000;

export interface LogEvent {
  /** µs after TIME0 (fractions allowed: stored rounded down). */
  at: number;
  level: number;
  target: string;
  msg: string;
  props?: string;
  /** Makes it a formatted log: `msg` is the template. */
  args?: unknown[];
}

export interface MetricEvent {
  at: number;
  target: string;
  name: string;
  unit: string;
  value: number;
  props?: string;
}

export interface ThreadEvent {
  at: number;
  type: 'begin' | 'end';
  name: string;
}

export interface AsyncEvent {
  at: number;
  type: 'begin' | 'end';
  spanId: number;
  parent: number;
  depth: number;
  name: string;
}

type StreamKind = 'log' | 'metrics' | 'cpu' | 'async';
const KINDS: Record<StreamKind, EventKind> = { log: EventKind.Log, metrics: EventKind.Metric, cpu: EventKind.ThreadSpan, async: EventKind.AsyncSpan };

const ticksAt = (at: number): bigint => T0 + BigInt(Math.round(at * 1000));

/** A process with a log, a metrics, a cpu and an async stream, as the SDK registers them. */
export class TestProcess {
  readonly streams: Record<StreamKind, NewStream>;
  private readonly offsets: Record<StreamKind, number> = { log: 0, metrics: 0, cpu: 0, async: 0 };
  private readonly descs = new Map<string, SpanDesc>();

  private constructor(
    private readonly h: Harness,
    readonly process: NewProcess,
  ) {
    const stream = (kind: StreamKind, properties: Record<string, string> = {}): NewStream => ({
      stream_id: randomUUID(),
      process_id: process.process_id,
      dependencies_metadata: DEPENDENCIES_METADATA as never,
      objects_metadata: objectsMetadata([KINDS[kind]]) as never,
      tags: [kind],
      properties,
    });
    this.streams = { log: stream('log'), metrics: stream('metrics'), cpu: stream('cpu', { thread_name: 'main' }), async: stream('async') };
  }

  static async create(h: Harness, over: Partial<NewProcess> = {}): Promise<TestProcess> {
    const process: NewProcess = {
      process_id: randomUUID(),
      exe: '/srv/app/server.js',
      username: 'app',
      realname: 'App User',
      computer: 'web-1',
      distro: 'Linux 6.1',
      cpu_brand: 'Test CPU',
      tsc_frequency: 1_000_000_000,
      start_time: TIME0,
      start_ticks: T0,
      parent_process_id: null,
      properties: { service: 'checkout', 'odd.key': 'x' },
      ...over,
    };
    const p = new TestProcess(h, process);
    await h.catalog.insertProcess(process);
    for (const s of Object.values(p.streams)) await h.catalog.insertStream(s);
    return p;
  }

  get id(): string {
    return this.process.process_id;
  }

  async logBlock(events: LogEvent[]): Promise<BlockRow> {
    const w = new BlockWriter(Math.max(1, events.length));
    for (const e of events) {
      if (e.args) w.logs.addFormatted(ticksAt(e.at), e.level, e.target, e.msg, e.args, e.props);
      else w.logs.add(ticksAt(e.at), e.level, e.target, e.msg, e.props);
    }
    return this.insert('log', w);
  }

  async metricBlock(events: MetricEvent[]): Promise<BlockRow> {
    const w = new BlockWriter(Math.max(1, events.length));
    for (const e of events) w.metrics.add(ticksAt(e.at), e.target, e.name, e.unit, e.value, e.props);
    return this.insert('metrics', w);
  }

  async threadBlock(events: ThreadEvent[]): Promise<BlockRow> {
    const w = new BlockWriter(Math.max(1, events.length));
    for (const e of events) w.threadSpans.add(ticksAt(e.at), e.type === 'begin' ? 0 : 1, this.desc(e.name));
    return this.insert('cpu', w);
  }

  async asyncBlock(events: AsyncEvent[]): Promise<BlockRow> {
    const w = new BlockWriter(Math.max(1, events.length));
    for (const e of events) w.asyncSpans.add(ticksAt(e.at), e.type === 'begin' ? 0 : 1, e.spanId, e.parent, e.depth, this.desc(e.name));
    return this.insert('async', w);
  }

  /** One description per name: file and line are derived from it so that rows can be checked. */
  desc(name: string): SpanDesc {
    let d = this.descs.get(name);
    if (!d) this.descs.set(name, (d = spanDesc(name, `target.${name}`, `src/${name}.ts`, name.length)));
    return d;
  }

  private async insert(kind: StreamKind, w: BlockWriter): Promise<BlockRow> {
    const s = this.streams[kind];
    const bytes = encodeBlock({ blockId: randomUUID(), streamId: s.stream_id, processId: this.id, objectOffset: this.offsets[kind], tscFrequency: 1e9, clock: { ticks: T0, timeUs: TIME0 } }, w);
    this.offsets[kind] += w.nbObjects;
    const m = readBlockMeta(bytes);
    await this.h.store.put(blobKey(this.id, s.stream_id, m.blockId), bytes);
    await this.h.catalog.insertBlock({
      block_id: m.blockId,
      stream_id: m.streamId,
      process_id: m.processId,
      begin_time: m.beginTime,
      begin_ticks: m.beginTicks,
      end_time: m.endTime,
      end_ticks: m.endTicks,
      nb_objects: m.nbObjects,
      object_offset: m.objectOffset,
      payload_size: m.blockSize,
    });
    return (await this.h.catalog.getBlock(m.blockId))!;
  }
}

/** Log events spread over `n` µs-spaced instants from `at`, cycling through a few targets, levels and messages. */
export function logEvents(n: number, at = 0, step = 1000): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    at: at + i * step,
    level: 1 + (i % 6),
    target: ['http', 'db', 'auth'][i % 3],
    msg: `static message ${i % 5}`,
    props: i % 4 === 0 ? JSON.stringify({ request: `r${i}`, 'a.b': 'dotted' }) : undefined,
    args: i % 7 === 3 ? [`user${i}`, i, 0.5] : undefined,
  }));
}
