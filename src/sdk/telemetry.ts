import { SpanEvent, type SpanDesc } from '../datalake/block/index.js';
import { AsyncSpans } from './async-spans.js';
import type { EventTime, ProcessClock } from './clock.js';
import { TelemetryError } from './errors.js';
import type { TelemetryOptions } from './options.js';
import { Recorder, json, type Properties } from './recorder.js';
import type { SinkStats } from './sink.js';
import { SpanDescCache, isAsyncFunction } from './spans.js';

export type { Properties } from './recorder.js';

export interface TelemetryStats extends SinkStats {
  /** Events recorded since init (sent, queued, dropped or still in an open block). */
  events: number;
  /** Events recorded after shutdown() began, which are discarded. */
  lateEvents: number;
  /** Blocks that could not be encoded (a warning says why). */
  encodeFailures: number;
}

/**
 * Records logs, metrics and spans into per-stream block writers on the calling
 * thread (no per-event objects), closes blocks by size or age, and hands them
 * to the encode worker and the background sink. See docs/block-format.md for
 * what goes on the wire.
 */
export class Telemetry extends Recorder {
  private readonly threadDescs = new SpanDescCache();
  private readonly asyncSpans: AsyncSpans;
  private readonly spanStack: SpanDesc[] = [];
  private shutdownPromise: Promise<boolean> | null = null;
  private exitFlushing = false;
  private exitGaveUp = false;

  constructor(options: TelemetryOptions) {
    super(options);
    this.asyncSpans = new AsyncSpans((...e) => this.asyncEvent(...e), this.opts.defaultTarget);
    if (this.opts.flushOnExit) process.on('beforeExit', this.onBeforeExit);
  }

  // ---- logs: level(msg, props?) or level(target, msg, props?); levelf(target, template, ...args)

  fatal(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(1, targetOrMsg, msgOrProps, props); }
  error(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(2, targetOrMsg, msgOrProps, props); }
  warn(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(3, targetOrMsg, msgOrProps, props); }
  info(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(4, targetOrMsg, msgOrProps, props); }
  debug(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(5, targetOrMsg, msgOrProps, props); }
  trace(targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void { this.log(6, targetOrMsg, msgOrProps, props); }
  // levelf(target, template, ...args): declared with four optional arguments so that calls with up to four
  // allocate nothing (Recorder.logfN); arguments.length tells how many were passed.
  fatalf(target: string, template: string, ...args: unknown[]): void;
  fatalf(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(1, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(1, target, template, arguments.length - 2, a, b, c, d);
  }
  errorf(target: string, template: string, ...args: unknown[]): void;
  errorf(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(2, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(2, target, template, arguments.length - 2, a, b, c, d);
  }
  warnf(target: string, template: string, ...args: unknown[]): void;
  warnf(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(3, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(3, target, template, arguments.length - 2, a, b, c, d);
  }
  infof(target: string, template: string, ...args: unknown[]): void;
  infof(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(4, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(4, target, template, arguments.length - 2, a, b, c, d);
  }
  debugf(target: string, template: string, ...args: unknown[]): void;
  debugf(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(5, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(5, target, template, arguments.length - 2, a, b, c, d);
  }
  tracef(target: string, template: string, ...args: unknown[]): void;
  tracef(target: string, template: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    if (arguments.length > 6) this.logf(6, target, template, Array.prototype.slice.call(arguments, 2));
    else this.logfN(6, target, template, arguments.length - 2, a, b, c, d);
  }

  /** A `{}` template and its arguments: the template is interned, the text is built by readers. */
  logf(level: number, target: string, template: string, args: readonly unknown[]): void {
    this.recordLogf(process.hrtime.bigint(), level, target, template, args);
  }

  /** log() at an explicit time; properties as an object or as ready-made JSON text (bridges like pino). */
  logAt(time: EventTime, level: number, target: string, msg: string, properties?: Properties | string): void {
    const props = properties === undefined || typeof properties === 'string' ? properties : json(properties);
    this.recordLog(this.ticksAt(time, 'logAt'), level, target, msg, props);
  }

  /** logf() at an explicit time. */
  logfAt(time: EventTime, level: number, target: string, template: string, args: readonly unknown[]): void {
    this.recordLogf(this.ticksAt(time, 'logfAt'), level, target, template, args);
  }

  // ---- metrics

  /** An integer (|v| ≤ 2^52, bigint included) is stored as an int, anything else as a float. */
  metric(name: string, unit: string, value: number | bigint, target?: string, properties?: Properties): void {
    this.recordMetric(process.hrtime.bigint(), name, unit, value, target, properties);
  }

  /** metric() at an explicit time. */
  metricAt(time: EventTime, name: string, unit: string, value: number | bigint, target?: string, properties?: Properties): void {
    this.recordMetric(this.ticksAt(time, 'metricAt'), name, unit, value, target, properties);
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
    if (isAsyncFunction(fn)) return this.asyncSpans.run(name, fn as () => Promise<unknown>, target, this.span) as T;
    const desc = this.threadDescs.get(name, target ?? this.opts.defaultTarget, this.span);
    this.threadEvent(process.hrtime.bigint(), SpanEvent.Begin, desc);
    try {
      return fn();
    } finally {
      this.threadEvent(process.hrtime.bigint(), SpanEvent.End, desc);
    }
  }

  asyncSpan<T>(name: string, fn: () => Promise<T> | T, target?: string): Promise<T> {
    return this.asyncSpans.run(name, fn, target, this.asyncSpan);
  }

  /** Opens a thread span; endSpan() closes the innermost one. */
  beginSpan(name: string, target?: string): void {
    const desc = this.threadDescs.get(name, target ?? this.opts.defaultTarget, this.beginSpan);
    this.spanStack.push(desc);
    this.threadEvent(process.hrtime.bigint(), SpanEvent.Begin, desc);
  }

  endSpan(): void {
    this.threadEvent(process.hrtime.bigint(), SpanEvent.End, this.popSpan('endSpan'));
  }

  /** beginSpan() at an explicit time. */
  beginSpanAt(time: EventTime, name: string, target?: string): void {
    const ticks = this.ticksAt(time, 'beginSpanAt');
    const desc = this.threadDescs.get(name, target ?? this.opts.defaultTarget, this.beginSpanAt);
    this.spanStack.push(desc);
    this.threadEvent(ticks, SpanEvent.Begin, desc);
  }

  /** endSpan() at an explicit time. */
  endSpanAt(time: EventTime): void {
    const ticks = this.ticksAt(time, 'endSpanAt');
    this.threadEvent(ticks, SpanEvent.End, this.popSpan('endSpanAt'));
  }

  private popSpan(caller: string): SpanDesc {
    const desc = this.spanStack.pop();
    if (desc === undefined) throw new TelemetryError(`${caller}() without a matching beginSpan()`);
    return desc;
  }

  /** Opens an async span whose parent is the current async span; returns its id for endAsyncSpan(). */
  beginAsyncSpan(name: string, target?: string): number {
    return this.asyncSpans.begin(undefined, name, target, this.beginAsyncSpan);
  }

  endAsyncSpan(id: number): void {
    this.asyncSpans.end(undefined, id, 'endAsyncSpan');
  }

  /** beginAsyncSpan() at an explicit time. */
  beginAsyncSpanAt(time: EventTime, name: string, target?: string): number {
    return this.asyncSpans.begin(this.ticksAt(time, 'beginAsyncSpanAt'), name, target, this.beginAsyncSpanAt);
  }

  /** endAsyncSpan() at an explicit time. */
  endAsyncSpanAt(time: EventTime, id: number): void {
    this.asyncSpans.end(this.ticksAt(time, 'endAsyncSpanAt'), id, 'endAsyncSpanAt');
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
   * (Events with a given time use the …At() methods instead.)
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
