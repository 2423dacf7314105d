import { ArgType, MAX_LEVEL, MIN_LEVEL, ValueKind } from './format.js';

/**
 * BlockWriter accumulates the events of one open block in preallocated typed
 * columns (struct of arrays). Recording an event is a handful of array stores
 * and one Map lookup per string, with no per-event object, so the SDK can call
 * it on the application's thread; encodeBlock() turns it into block bytes.
 */

/** A span's static description; one object per (target, name) for the life of the process. */
export interface SpanDesc {
  readonly name: string;
  readonly target: string;
  readonly file: string;
  readonly line: number;
  /** Writer bookkeeping: the block generation that `id` belongs to. */
  gen: number;
  id: number;
}

export function spanDesc(name: string, target: string, file = '', line = 0): SpanDesc {
  if (!Number.isInteger(line) || line < 0 || line > 0xffffffff) throw new RangeError(`span line must be an integer 0..2^32-1, got ${line}`);
  return { name, target, file, line, gen: -1, id: -1 };
}

/** Interned strings of one block: the same string gets one id per block. */
export class StringTable {
  /** Ids 0..size-1; kept across blocks (see LogColumns.argStr for why arrays are not emptied). */
  items: string[] = new Array<string>(64).fill('');
  size = 0;
  private readonly ids = new Map<string, number>();
  /** UTF-16 units held, a cheap stand-in for the encoded size. */
  chars = 0;

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      // Checked only on a miss: a non-string would otherwise poison the size estimate and the encoder.
      if (typeof s !== 'string') throw new TypeError(`expected a string, got ${typeof s}`);
      id = this.size++;
      if (id === this.items.length) this.items = this.items.concat(new Array<string>(id).fill(''));
      this.items[id] = s;
      this.ids.set(s, id);
      this.chars += s.length;
    }
    return id;
  }

  /** A copy of the table, for tests and tools. */
  list(): string[] {
    return this.items.slice(0, this.size);
  }

  reset(): void {
    this.items.fill('', 0, this.size);
    this.size = 0;
    this.ids.clear();
    this.chars = 0;
  }
}

let nextGeneration = 0;

/** Thrown when an event is added to a full column set: the caller closes the block first. */
export class BlockFullError extends RangeError {
  override readonly name = 'BlockFullError';
}

abstract class Columns {
  count = 0;
  readonly ticks: BigInt64Array;

  constructor(
    protected readonly w: BlockWriter,
    readonly capacity: number,
  ) {
    this.ticks = new BigInt64Array(capacity);
  }

  protected slot(ticks: bigint): number {
    const i = this.count;
    if (i >= this.capacity) throw new BlockFullError(`block is full (${this.capacity} events)`);
    this.ticks[i] = ticks;
    this.count = i + 1;
    return i;
  }
}

function checkLevel(level: number): void {
  if (!(level >= MIN_LEVEL && level <= MAX_LEVEL && (level | 0) === level)) throw new RangeError(`log level must be an integer 1..6, got ${level}`);
}

const INT_LIMIT = 2 ** 52;
const MAX_ARGS = 255;
const isZigzagInt = (v: number): boolean => Number.isInteger(v) && v <= INT_LIMIT && v >= -INT_LIMIT;

export class LogColumns extends Columns {
  readonly level = new Uint8Array(this.capacity);
  readonly target = new Uint32Array(this.capacity);
  readonly msg = new Uint32Array(this.capacity);
  /** 0 = none, k = string id k-1 (JSON object text). */
  readonly props = new Uint32Array(this.capacity);
  readonly argCount = new Uint32Array(this.capacity);
  nArgs = 0;
  argType = new Uint8Array(256);
  /** Int and float arguments; string arguments keep their text in argStr until encoding. */
  argNum = new Float64Array(256);
  /**
   * Filled by index and never shrunk: pushing onto an array emptied with
   * `length = 0` at every block re-grew its backing store each time, which cost
   * ~100 ns per string argument in GC work; stores into a kept array cost ~5.
   */
  argStr: string[] = new Array<string>(256).fill('');
  nStrArgs = 0;

  add(ticks: bigint, level: number, target: string, msg: string, properties?: string): void {
    checkLevel(level);
    const i = this.slot(ticks);
    const strings = this.w.strings;
    this.level[i] = level;
    this.target[i] = strings.intern(target);
    this.msg[i] = strings.intern(msg);
    this.props[i] = properties === undefined ? 0 : strings.intern(properties) + 1;
    this.argCount[i] = 0;
  }

  /** A `{}` template and its arguments; the text is formatted by the reader, not here. */
  addFormatted(ticks: bigint, level: number, target: string, template: string, args: ArrayLike<unknown>, properties?: string): void {
    const n = args.length;
    if (n > MAX_ARGS) throw new RangeError(`a formatted log takes at most ${MAX_ARGS} arguments, got ${n}`);
    this.add(ticks, level, target, template, properties);
    if (this.nArgs + n > this.argType.length) this.growArgs(this.nArgs + n);
    for (let k = 0; k < n; k++) this.pushArg(args[k]);
    this.argCount[this.count - 1] = n;
  }

  private pushArg(a: unknown): void {
    const j = this.nArgs++;
    if (typeof a === 'number') {
      this.argType[j] = isZigzagInt(a) ? ArgType.Int : ArgType.Float;
      this.argNum[j] = a;
    } else {
      this.argType[j] = ArgType.Str;
      const s = typeof a === 'string' ? a : argText(a);
      if (this.nStrArgs === this.argStr.length) this.argStr = this.argStr.concat(new Array<string>(this.argStr.length).fill(''));
      this.argStr[this.nStrArgs++] = s;
      this.w.strings.chars += s.length;
    }
  }

  private growArgs(need: number): void {
    let size = this.argType.length * 2;
    while (size < need) size *= 2;
    const t = new Uint8Array(size);
    t.set(this.argType);
    const v = new Float64Array(size);
    v.set(this.argNum);
    this.argType = t;
    this.argNum = v;
  }

  reset(): void {
    this.count = 0;
    this.nArgs = 0;
    this.argStr.fill('', 0, this.nStrArgs); // drop the references, keep the storage
    this.nStrArgs = 0;
  }
}

/** Non-string, non-number arguments become text at the call site, as a formatter would print them. */
function argText(a: unknown): string {
  if (a === null || a === undefined || typeof a === 'boolean' || typeof a === 'bigint' || typeof a === 'symbol') return String(a);
  if (a instanceof Error) return a.stack ?? String(a);
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
}

export class MetricColumns extends Columns {
  readonly target = new Uint32Array(this.capacity);
  readonly name = new Uint32Array(this.capacity);
  readonly unit = new Uint32Array(this.capacity);
  readonly props = new Uint32Array(this.capacity);
  readonly kind = new Uint8Array(this.capacity);
  readonly value = new Float64Array(this.capacity);

  /** Integers with |v| ≤ 2^52 are stored as ints, anything else as a float. */
  add(ticks: bigint, target: string, name: string, unit: string, value: number, properties?: string): void {
    const i = this.slot(ticks);
    const strings = this.w.strings;
    this.target[i] = strings.intern(target);
    this.name[i] = strings.intern(name);
    this.unit[i] = strings.intern(unit);
    this.props[i] = properties === undefined ? 0 : strings.intern(properties) + 1;
    this.kind[i] = isZigzagInt(value) ? ValueKind.Int : ValueKind.Float;
    this.value[i] = value;
  }

  reset(): void {
    this.count = 0;
  }
}

export class ThreadSpanColumns extends Columns {
  readonly type = new Uint8Array(this.capacity);
  readonly desc = new Uint32Array(this.capacity);

  add(ticks: bigint, type: number, desc: SpanDesc): void {
    const i = this.slot(ticks);
    this.type[i] = type;
    this.desc[i] = this.w.descId(desc);
  }

  reset(): void {
    this.count = 0;
  }
}

export class AsyncSpanColumns extends Columns {
  readonly type = new Uint8Array(this.capacity);
  readonly spanId = new Float64Array(this.capacity);
  readonly parentSpanId = new Float64Array(this.capacity);
  readonly depth = new Uint32Array(this.capacity);
  readonly desc = new Uint32Array(this.capacity);

  add(ticks: bigint, type: number, spanId: number, parentSpanId: number, depth: number, desc: SpanDesc): void {
    const i = this.slot(ticks);
    this.type[i] = type;
    this.spanId[i] = spanId;
    this.parentSpanId[i] = parentSpanId;
    this.depth[i] = depth;
    this.desc[i] = this.w.descId(desc);
  }

  reset(): void {
    this.count = 0;
  }
}

export class BlockWriter {
  readonly strings = new StringTable();
  readonly descs: SpanDesc[] = [];
  private gen = nextGeneration++;
  private logCols?: LogColumns;
  private metricCols?: MetricColumns;
  private threadCols?: ThreadSpanColumns;
  private asyncCols?: AsyncSpanColumns;

  /** `capacity`: the most events of one kind a block holds. */
  constructor(readonly capacity = 8192) {}

  get logs(): LogColumns {
    return (this.logCols ??= new LogColumns(this, this.capacity));
  }
  get metrics(): MetricColumns {
    return (this.metricCols ??= new MetricColumns(this, this.capacity));
  }
  get threadSpans(): ThreadSpanColumns {
    return (this.threadCols ??= new ThreadSpanColumns(this, this.capacity));
  }
  get asyncSpans(): AsyncSpanColumns {
    return (this.asyncCols ??= new AsyncSpanColumns(this, this.capacity));
  }

  /** The column sets in use (created by a getter), in format kind order. */
  groups(): { logs?: LogColumns; metrics?: MetricColumns; threadSpans?: ThreadSpanColumns; asyncSpans?: AsyncSpanColumns } {
    return { logs: this.logCols, metrics: this.metricCols, threadSpans: this.threadCols, asyncSpans: this.asyncCols };
  }

  get nbObjects(): number {
    return (this.logCols?.count ?? 0) + (this.metricCols?.count ?? 0) + (this.threadCols?.count ?? 0) + (this.asyncCols?.count ?? 0);
  }

  /** The block-local id of a span description; the first use in a block adds it to the block. */
  descId(desc: SpanDesc): number {
    if (desc.gen === this.gen) return desc.id;
    desc.gen = this.gen;
    desc.id = this.descs.length;
    this.descs.push(desc);
    this.strings.intern(desc.name);
    this.strings.intern(desc.target);
    this.strings.intern(desc.file);
    return desc.id;
  }

  reset(): void {
    this.strings.reset();
    this.descs.length = 0;
    this.gen = nextGeneration++;
    this.logCols?.reset();
    this.metricCols?.reset();
    this.threadCols?.reset();
    this.asyncCols?.reset();
  }
}
