import {
  ArgType,
  SpanEvent,
  type AsyncSpanColumns,
  type LogColumns,
  type MetricColumns,
  type SpanDesc,
  type ThreadSpanColumns,
} from '../datalake/block/index.js';
import { eventTicks, startClock, type EventTime, type ProcessClock } from './clock.js';
import { TelemetryError } from './errors.js';
import { resolveOptions, type ResolvedOptions, type TelemetryOptions } from './options.js';
import { Pipeline, type StreamState } from './pipeline.js';
import { describeProcess } from './process-info.js';

export type Properties = Record<string, unknown>;

/** Integers up to this magnitude are stored as ints (zigzag varints), like writer.ts does. */
const INT_LIMIT = 2 ** 52;

export function json(props: Properties): string {
  if (typeof props !== 'object' || props === null) throw new TelemetryError(`properties must be an object, got ${typeof props}`);
  return JSON.stringify(props);
}

/**
 * The recording core under Telemetry's API: one event into its stream's open
 * block (a few typed-array stores, no per-event object), and the block closed
 * when it is full. `ticks` is the event time on the process clock.
 */
export abstract class Recorder {
  readonly processId: string;
  readonly streams: { readonly log: string; readonly metrics: string; readonly cpu: string; readonly async: string };
  protected readonly opts: ResolvedOptions;
  protected readonly clock: ProcessClock;
  protected readonly pipeline: Pipeline;
  /** Explicit event times (…At methods) to ticks; the name is the caller's, for errors. */
  protected readonly ticksAt: (time: EventTime, what: string) => bigint;
  protected closed = false;
  protected lateEvents = 0;
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
  private readonly argArrays: unknown[][] = [[], [0], [0, 0], [0, 0, 0], [0, 0, 0, 0]];
  private formatting = false;
  private readonly nested: [bigint, number, string, string, unknown[]][] = [];

  constructor(options: TelemetryOptions) {
    this.opts = resolveOptions(options);
    this.clock = startClock();
    this.ticksAt = eventTicks(this.clock);
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
  }

  /** A log at `level` (1 fatal … 6 trace): (msg, props?) or (target, msg, props?). */
  log(level: number, targetOrMsg: string, msgOrProps?: string | Properties, props?: Properties): void {
    if (this.closed) return void this.lateEvents++;
    const logs = this.logCols;
    if (typeof msgOrProps === 'string') logs.add(process.hrtime.bigint(), level, targetOrMsg, msgOrProps, props === undefined ? undefined : json(props));
    else logs.add(process.hrtime.bigint(), level, this.opts.defaultTarget, targetOrMsg, msgOrProps === undefined ? undefined : json(msgOrProps));
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
  }

  protected recordLog(ticks: bigint, level: number, target: string, msg: string, propsJson: string | undefined): void {
    if (this.closed) return void this.lateEvents++;
    const logs = this.logCols;
    logs.add(ticks, level, target, msg, propsJson);
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
  }

  /**
   * A formatted log of n ≤ 4 arguments without allocating an argument array
   * (a rest parameter measured ~20 ns per call in allocation and GC): one kept
   * array per count, filled and emptied around the call. A call nested in
   * another's formatting (see recordLogf) gets its own.
   */
  protected logfN(level: number, target: string, template: string, n: number, a: unknown, b: unknown, c: unknown, d: unknown): void {
    const ticks = process.hrtime.bigint();
    if (this.formatting) return this.recordLogf(ticks, level, target, template, [a, b, c, d].slice(0, n));
    if (n === 2 && this.recordLogf2(ticks, level, target, template, a, b)) return;
    const args = this.argArrays[n];
    if (n > 0) args[0] = a;
    if (n > 1) args[1] = b;
    if (n > 2) args[2] = c;
    if (n > 3) args[3] = d;
    this.recordLogf(ticks, level, target, template, args);
    for (let k = 0; k < n; k++) args[k] = undefined; // keeps no application value alive
  }

  /**
   * Turning an argument into text can run application code (toJSON, a stack
   * getter) that logs: such a nested formatted log is recorded right after the
   * one being written, not inside it. An argument whose conversion throws
   * leaves the block as it was.
   */
  protected recordLogf(ticks: bigint, level: number, target: string, template: string, args: readonly unknown[]): void {
    if (this.closed) return void this.lateEvents++;
    if (this.formatting) return void this.nested.push([ticks, level, target, template, Array.from(args)]);
    const logs = this.logCols;
    const count = logs.count;
    const nArgs = logs.nArgs;
    const nStrArgs = logs.nStrArgs;
    this.formatting = true;
    try {
      logs.addFormatted(ticks, level, target, template, args);
    } catch (err) {
      logs.count = count;
      logs.nArgs = nArgs;
      logs.nStrArgs = nStrArgs;
      throw err;
    } finally {
      this.formatting = false;
    }
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
    if (this.nested.length > 0) for (const e of this.nested.splice(0)) this.recordLogf(...e);
  }

  /**
   * The commonest formatted log, two arguments that are numbers or strings,
   * written straight into the log columns (what LogColumns.addFormatted does,
   * without the argument array and its loop); false when another path is needed.
   */
  private recordLogf2(ticks: bigint, level: number, target: string, template: string, a: unknown, b: unknown): boolean {
    const logs = this.logCols;
    const ta = typeof a;
    const tb = typeof b;
    if ((ta !== 'number' && ta !== 'string') || (tb !== 'number' && tb !== 'string') || this.closed || logs.nArgs + 2 > logs.argType.length || logs.nStrArgs + 2 > logs.argStr.length) return false;
    logs.add(ticks, level, target, template);
    logs.argCount[logs.count - 1] = 2;
    const j = logs.nArgs;
    logs.nArgs = j + 2;
    this.storeArg(logs, j, a);
    this.storeArg(logs, j + 1, b);
    if (logs.count >= this.maxEvents || this.logS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.logS);
    return true;
  }

  /** LogColumns.pushArg for a number or a string. */
  private storeArg(logs: LogColumns, j: number, v: unknown): void {
    if (typeof v === 'number') {
      logs.argType[j] = Number.isInteger(v) && v <= INT_LIMIT && v >= -INT_LIMIT ? ArgType.Int : ArgType.Float;
      logs.argNum[j] = v;
    } else {
      logs.argType[j] = ArgType.Str;
      logs.argStr[logs.nStrArgs++] = v as string;
      this.logS.writer.strings.chars += (v as string).length;
    }
  }

  protected recordMetric(ticks: bigint, name: string, unit: string, value: number | bigint, target: string | undefined, properties: Properties | undefined): void {
    if (this.closed) return void this.lateEvents++;
    const v = typeof value === 'bigint' ? Number(value) : value;
    if (typeof v !== 'number') throw new TelemetryError(`metric ${name}: value must be a number or bigint, got ${typeof value}`);
    const m = this.metricCols;
    m.add(ticks, target ?? this.opts.defaultTarget, name, unit, v, properties === undefined ? undefined : json(properties));
    if (m.count >= this.maxEvents || this.metricS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.metricS);
  }

  protected threadEvent(ticks: bigint, type: SpanEvent, desc: SpanDesc): void {
    if (this.closed) return void this.lateEvents++;
    const c = this.threadCols;
    c.add(ticks, type, desc);
    if (c.count >= this.maxEvents || this.cpuS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.cpuS);
  }

  protected asyncEvent(ticks: bigint, type: SpanEvent, id: number, parent: number, depth: number, desc: SpanDesc): void {
    if (this.closed) return void this.lateEvents++;
    const c = this.asyncCols;
    c.add(ticks, type, id, parent, depth, desc);
    if (c.count >= this.maxEvents || this.asyncS.writer.strings.chars >= this.maxChars) this.pipeline.close(this.asyncS);
  }
}
