import { AsyncLocalStorage } from 'node:async_hooks';
import {
  SpanEvent,
  type AsyncSpanColumns,
  type LogColumns,
  type MetricColumns,
  type SpanDesc,
  type ThreadSpanColumns,
} from '../datalake/block/index.js';
import { startClock, ticksAtEpochMs, type ProcessClock } from './clock.js';
import { TelemetryError } from './errors.js';
import { resolveOptions, type ResolvedOptions, type TelemetryOptions } from './options.js';
import { Pipeline, type StreamState } from './pipeline.js';
import { describeProcess } from './process-info.js';
import type { SinkStats } from './sink.js';
import { SpanDescCache, isAsyncFunction, type AsyncSpanContext } from './spans.js';

export type Properties = Record<string, unknown>;

export interface TelemetryStats extends SinkStats {
  /** Events recorded since init (sent, queued, dropped or still in an open block). */
  events: number;
  /** Events recorded after shutdown() began, which are discarded. */
  lateEvents: number;
  /** Blocks that could not be encoded (a warning says why). */
  encodeFailures: number;
}

function json(props: Properties): string {
  if (typeof props !== 'object' || props === null) throw new TelemetryError(`properties must be an object, got ${typeof props}`);
  return JSON.stringify(props);
}

/**
 * Records logs, metrics and spans into per-stream block writers on the calling
 * thread (no per-event objects), closes blocks by size or age, and hands them
 * to a background sink. See docs/block-format.md for what goes on the wire.
 */
export class Telemetry {
  readonly processId: string;
  readonly streams: { readonly log: string; readonly metrics: string; readonly cpu: string; readonly async: string };
  private readonly opts: ResolvedOptions;
  private readonly clock: ProcessClock;
  private readonly pipeline: Pipeline;
  private readonly logS: StreamState;
  private readonly metricS: StreamState;
  private readonly cpuS: StreamState;
  private readonly asyncS: StreamState;
  // The column sets are held directly: the hot paths skip the writer's lazy getters.
  private readonly logCols: LogColumns;
  private readonly metricCols: MetricColumns;
  private readonly threadCols: ThreadSpanColumns;
  private readonly asyncCols: AsyncSpanColumns;
  private readonly maxEvents: number;
  private readonly maxChars: number;
  private readonly threadDescs = new SpanDescCache();
  private readonly asyncDescs = new SpanDescCache();
  private readonly als = new AsyncLocalStorage<AsyncSpanContext>();
  private readonly spanStack: SpanDesc[] = [];
  private readonly openAsync = new Map<number, { desc: SpanDesc; parent: number; depth: number }>();
  private lastSpanId = 0;
  private closed = false;
  private shutdownPromise: Promise<boolean> | null = null;
  private lateEvents = 0;
  private exitFlushing = false;
  private exitGaveUp = false;

  constructor(options: TelemetryOptions) {
    this.opts = resolveOptions(options);
    this.clock = startClock();
    this.maxEvents = this.opts.maxEventsPerBlock;
    this.maxChars = this.opts.maxBlockBytes;
    const info = describeProcess(this.clock, this.opts.processInfo, this.opts.properties);
    this.processId = info.process_id;
    this.pipeline = new Pipeline(this.opts, this.clock, info);
    const p = this.pipeline;
    [this.logS, this.metricS, this.cpuS, this.asyncS] = [p.log, p.metrics, p.cpu, p.async];
    this.streams = { log: p.log.id, metrics: p.metrics.id, cpu: p.cpu.id, async: p.async.id };
    this.logCols = p.log.writer.logs;
    this.metricCols = p.metrics.writer.metrics;
    this.threadCols = p.cpu.writer.threadSpans;
    this.asyncCols = p.async.writer.asyncSpans;
    if (this.opts.flushOnExit) process.on('beforeExit', this.onBeforeExit);
  }

  // ---- logs: level(msg, props?) or level(target, msg, props?); levelf(target, template, ...args)

  fatal(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(1, targetOrMsg, msgOrProps, props); }
  error(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(2, targetOrMsg, msgOrProps, props); }
  warn(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(3, targetOrMsg, msgOrProps, props); }
  info(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(4, targetOrMsg, msgOrProps, props); }
  debug(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(5, targetOrMsg, msgOrProps, props); }
  trace(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(6, targetOrMsg, msgOrProps, props); }
  fatalf(target: string, template: string, ...args: unknown[]): void { this.logf(1, target, template, args); }
  errorf(target: string, template: string, ...args: unknown[]): void { this.logf(2, target, template, args); }
  warnf(target: string, template: string, ...args: unknown[]): void { this.logf(3, target, template, args); }
  infof(target: string, template: string, ...args: unknown[]): void { this.logf(4, target, template, args); }
  debugf(target: string, template: string, ...args: unknown[]): void { this.logf(5, target, template, args); }
  tracef(target: string, template: string, ...args: unknown[]): void { this.logf(6, target, template, args); }

  /** A log at `level` (1 fatal … 6 trace): (msg, props?) or (target, msg, props?). */
  log(level: number, targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void {
    if (this.closed) return void this.lateEvents++;
    const logs = this.logCols;
    if (typeof msgOrProps === 'string') {
      logs.add(process.hrtime.bigint(), level, targetOrMsg, msgOrProps, props === undefined ? undefined : json(props));
    } else {
      logs.add(process.hrtime.bigint(), level, this.opts.defaultTarget, targetOrMsg, msgOrProps === undefined ? undefined : json(msgOrProps));
    }
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
  }

  /** A `{}` template and its arguments: the template is interned, the text is built by readers. */
  logf(level: number, target: string, template: string, args: readonly unknown[]): void {
    if (this.closed) return void this.lateEvents++;
    const logs = this.logCols;
    logs.addFormatted(process.hrtime.bigint(), level, target, template, args);
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
  }

  /** A log with a given wall-clock time (ms since the epoch) and ready-made properties JSON, for bridges like pino. */
  logAt(epochMs: number, level: number, target: string, msg: string, propertiesJson?: string): void {
    if (this.closed) return void this.lateEvents++;
    if (!Number.isFinite(epochMs)) throw new TelemetryError(`logAt: time must be ms since the epoch, got ${epochMs}`);
    const logs = this.logCols;
    logs.add(ticksAtEpochMs(this.clock, epochMs), level, target, msg, propertiesJson);
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
  }

  // ---- metrics

  /** An integer (|v| ≤ 2^52, bigint included) is stored as an int, anything else as a float. */
  metric(name: string, unit: string, value: number | bigint, target?: string, properties?: Properties): void {
    if (this.closed) return void this.lateEvents++;
    const v = typeof value === 'bigint' ? Number(value) : value;
    if (typeof v !== 'number') throw new TelemetryError(`metric ${name}: value must be a number or bigint, got ${typeof value}`);
    const m = this.metricCols;
    m.add(process.hrtime.bigint(), target ?? this.opts.defaultTarget, name, unit, v, properties === undefined ? undefined : json(properties));
    if (m.count >= this.maxEvents || this.metricS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.metricS);
  }

  // ---- spans

  /**
   * Runs fn inside a span and returns its result. An `async function` gets an
   * async span (async stream, parent tracked through AsyncLocalStorage); any
   * other function a thread span (cpu stream) around its synchronous run. A
   * plain function that returns a promise should use asyncSpan() instead.
   * Begin and end are recorded even when fn throws or rejects.
   */
  span<T>(name: string, fn: () => T, target?: string): T {
    if (isAsyncFunction(fn)) return this.runAsyncSpan(name, fn as () => Promise<unknown>, target, this.span) as T;
    const desc = this.threadDescs.get(name, target ?? this.opts.defaultTarget, this.span);
    this.threadEvent(SpanEvent.Begin, desc);
    try {
      return fn();
    } finally {
      this.threadEvent(SpanEvent.End, desc);
    }
  }

  asyncSpan<T>(name: string, fn: () => Promise<T> | T, target?: string): Promise<T> {
    return this.runAsyncSpan(name, fn, target, this.asyncSpan);
  }

  /** Opens a thread span; endSpan() closes the innermost one. */
  beginSpan(name: string, target?: string): void {
    const desc = this.threadDescs.get(name, target ?? this.opts.defaultTarget, this.beginSpan);
    this.spanStack.push(desc);
    this.threadEvent(SpanEvent.Begin, desc);
  }

  endSpan(): void {
    const desc = this.spanStack.pop();
    if (desc === undefined) throw new TelemetryError('endSpan() without a matching beginSpan()');
    this.threadEvent(SpanEvent.End, desc);
  }

  /** Opens an async span whose parent is the current async span; returns its id for endAsyncSpan(). */
  beginAsyncSpan(name: string, target?: string): number {
    const desc = this.asyncDescs.get(name, target ?? this.opts.defaultTarget, this.beginAsyncSpan);
    const parent = this.als.getStore();
    const id = ++this.lastSpanId;
    const open = { desc, parent: parent ? parent.id : 0, depth: parent ? parent.depth + 1 : 0 };
    this.openAsync.set(id, open);
    this.asyncEvent(SpanEvent.Begin, id, open.parent, open.depth, desc);
    return id;
  }

  endAsyncSpan(id: number): void {
    const open = this.openAsync.get(id);
    if (open === undefined) throw new TelemetryError(`endAsyncSpan(${id}): no open async span with that id`);
    this.openAsync.delete(id);
    this.asyncEvent(SpanEvent.End, id, open.parent, open.depth, open.desc);
  }

  private runAsyncSpan<T>(name: string, fn: () => Promise<T> | T, target: string | undefined, caller: Function): Promise<T> {
    const desc = this.asyncDescs.get(name, target ?? this.opts.defaultTarget, caller);
    const parent = this.als.getStore();
    const ctx: AsyncSpanContext = { id: ++this.lastSpanId, depth: parent ? parent.depth + 1 : 0 };
    const parentId = parent ? parent.id : 0;
    this.asyncEvent(SpanEvent.Begin, ctx.id, parentId, ctx.depth, desc);
    const end = (): void => this.asyncEvent(SpanEvent.End, ctx.id, parentId, ctx.depth, desc);
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

  private threadEvent(type: SpanEvent, desc: SpanDesc): void {
    if (this.closed) return void this.lateEvents++;
    const c = this.threadCols;
    c.add(process.hrtime.bigint(), type, desc);
    if (c.count >= this.maxEvents || this.cpuS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.cpuS);
  }

  private asyncEvent(type: SpanEvent, id: number, parent: number, depth: number, desc: SpanDesc): void {
    if (this.closed) return void this.lateEvents++;
    const c = this.asyncCols;
    c.add(process.hrtime.bigint(), type, id, parent, depth, desc);
    if (c.count >= this.maxEvents || this.asyncS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.asyncS);
  }

  // ---- blocks and lifecycle

  /** Closes every open block and waits until everything is sent; false if timeoutMs passes first. */
  flush(timeoutMs = 10_000): Promise<boolean> {
    return this.pipeline.flush(timeoutMs);
  }

  /** Stops recording, flushes, and releases timers and sockets. Idempotent. */
  shutdown(timeoutMs = 5000): Promise<boolean> {
    if (this.shutdownPromise) return this.shutdownPromise;
    const run = async (): Promise<boolean> => {
      for (const s of this.pipeline.all) this.pipeline.close(s);
      this.closed = true;
      process.off('beforeExit', this.onBeforeExit);
      const done = await this.pipeline.flush(timeoutMs);
      this.pipeline.stop();
      return done;
    };
    return (this.shutdownPromise = run());
  }

  /**
   * The clock origin: `startTicks` (process.hrtime.bigint() at init) is
   * `startTimeUs` on the wall clock, at `tscFrequency` ticks per second.
   * Replay tools that substitute process.hrtime.bigint place events in time with it.
   */
  get clockOrigin(): ProcessClock {
    return this.clock;
  }

  stats(): TelemetryStats {
    return { ...this.pipeline.stats(), lateEvents: this.lateEvents, encodeFailures: this.pipeline.encodeFailures };
  }

  /** beforeExit fires when the loop empties: flush what is left, once more per new batch, until a flush times out. */
  private readonly onBeforeExit = (): void => {
    if (this.closed || this.exitFlushing || this.exitGaveUp) return;
    if (!this.pipeline.pending) return;
    this.exitFlushing = true;
    void this.flush(this.opts.exitFlushTimeoutMs).then((ok) => {
      this.exitFlushing = false;
      if (!ok) this.exitGaveUp = true;
    });
  };
}

export function init(options: TelemetryOptions): Telemetry {
  return new Telemetry(options);
}
