import { AsyncLocalStorage } from 'node:async_hooks';
import { SpanEvent, type SpanDesc } from '../datalake/block/index.js';
import { TelemetryError } from './errors.js';
import { SpanDescCache, type AsyncSpanContext } from './spans.js';

/** Records one async span event (the Telemetry's recorder). */
export type AsyncSpanRecorder = (ticks: bigint, type: SpanEvent, id: number, parent: number, depth: number, desc: SpanDesc) => void;

/**
 * Async spans: ids, parents and depths. The parent of a new span is the span
 * the caller runs in, carried by AsyncLocalStorage through awaits and callbacks.
 * `ticks` undefined means now.
 */
export class AsyncSpans {
  private readonly descs = new SpanDescCache();
  private readonly als = new AsyncLocalStorage<AsyncSpanContext>();
  private readonly open = new Map<number, { desc: SpanDesc; parent: number; depth: number }>();
  private lastId = 0;

  constructor(
    private readonly record: AsyncSpanRecorder,
    private readonly defaultTarget: string,
  ) {}

  /** Runs fn inside a new async span; begin and end are recorded even when fn throws or rejects. */
  run<T>(name: string, fn: () => Promise<T> | T, target: string | undefined, caller: Function): Promise<T> {
    const desc = this.descs.get(name, target ?? this.defaultTarget, caller);
    const parent = this.als.getStore();
    const ctx: AsyncSpanContext = { id: ++this.lastId, depth: parent ? parent.depth + 1 : 0 };
    const parentId = parent ? parent.id : 0;
    this.record(process.hrtime.bigint(), SpanEvent.Begin, ctx.id, parentId, ctx.depth, desc);
    const end = (): void => this.record(process.hrtime.bigint(), SpanEvent.End, ctx.id, parentId, ctx.depth, desc);
    let result: Promise<T> | T;
    try {
      result = this.als.run(ctx, fn);
    } catch (err) {
      end();
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(
      (v) => (end(), v),
      (err: unknown) => {
        end();
        throw err;
      },
    );
  }

  begin(ticks: bigint | undefined, name: string, target: string | undefined, caller: Function): number {
    const desc = this.descs.get(name, target ?? this.defaultTarget, caller);
    const parent = this.als.getStore();
    const id = ++this.lastId;
    const open = { desc, parent: parent ? parent.id : 0, depth: parent ? parent.depth + 1 : 0 };
    this.open.set(id, open);
    this.record(ticks ?? process.hrtime.bigint(), SpanEvent.Begin, id, open.parent, open.depth, desc);
    return id;
  }

  end(ticks: bigint | undefined, id: number, caller: string): void {
    const open = this.open.get(id);
    if (open === undefined) throw new TelemetryError(`${caller}(${id}): no open async span with that id`);
    this.open.delete(id);
    this.record(ticks ?? process.hrtime.bigint(), SpanEvent.End, id, open.parent, open.depth, open.desc);
  }
}
