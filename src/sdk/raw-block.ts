import { spanDesc, type BlockWriter } from '../datalake/block/index.js';

/**
 * A closed block as the recorder left it, on its way to the encode worker:
 * the used rows of every typed column are copied (one memcpy each) into one
 * buffer that is transferred to the worker and back, then reused. String
 * arguments of formatted logs are interned into the block's string table
 * first, as the encoder would (cloning each string into the message cost
 * 25–40 ns, an intern 8–11), so only the table is cloned. The worker puts them into a BlockWriter of its own and runs the
 * ordinary encoder, so the bytes are those encodeBlock() gives on the calling
 * thread.
 *
 * Why a copy into recycled memory and not the writer's own arrays: giving the
 * whole writer away means recording the next block into freshly allocated
 * arrays, and the first write to each new page of those costs a page fault —
 * measured at 2–3× the cost of the recording itself. Recycled buffers are
 * already mapped, and the copy costs ~1 ns per event.
 */

type Column = BigInt64Array | Uint8Array | Uint32Array | Float64Array;
type ColumnCtor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): Column };

/** The typed columns of each event kind (writer.ts), all of `count` rows. */
const FIELDS = {
  logs: ['ticks', 'level', 'target', 'msg', 'props', 'argCount'],
  metrics: ['ticks', 'target', 'name', 'unit', 'props', 'kind', 'value'],
  threadSpans: ['ticks', 'type', 'desc'],
  asyncSpans: ['ticks', 'type', 'spanId', 'parentSpanId', 'depth', 'desc'],
} as const;
type Kind = keyof typeof FIELDS;
const KINDS = Object.keys(FIELDS) as Kind[];

export interface RawBlock {
  capacity: number;
  /** The string table in id order. */
  strings: string[];
  descs: { name: string; target: string; file: string; line: number }[];
  /** Every column's used rows, 8-byte aligned, in FIELDS order (then argNum, argType, string argument ids). Transferred, and returned for reuse. */
  buffer: ArrayBuffer;
  columns: Partial<Record<Kind, number>>;
  /** Formatted-log arguments (logs only): how many, and how many are strings. */
  args?: { n: number; nStr: number };
}

const align8 = (n: number): number => (n + 7) & ~7;
const fieldsOf = (c: object, kind: Kind): Column[] => FIELDS[kind].map((f) => (c as Record<string, Column>)[f]);
const argArrays = (logs: { argType: Uint8Array; argNum: Float64Array }): Column[] => [logs.argNum, logs.argType];

/**
 * Recycled transfer buffers, so packing writes to memory that is already
 * mapped. Up to `keepBytes` wait here between uses, enough for a burst of
 * blocks while the worker catches up; over that, the smallest go (a big
 * buffer serves small blocks too, a small one never serves a big block).
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;

  constructor(private readonly keepBytes = 8 * 1024 * 1024) {}

  /** The smallest kept buffer of at least `bytes`, else a new one (a power of two, at least 64 KiB). */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(bytes))));
    const buffer = this.free.splice(best, 1)[0];
    this.freeBytes -= buffer.byteLength;
    return buffer;
  }

  give(buffer: ArrayBuffer): void {
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
    while (this.freeBytes > this.keepBytes) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i;
      this.freeBytes -= this.free.splice(smallest, 1)[0].byteLength;
    }
  }
}

/** Visits each used column slice with its offset in the packed buffer; returns the packed size. */
function layout(w: BlockWriter, visit: (a: Column, offset: number, n: number) => void): number {
  const g = w.groups();
  let size = 0;
  for (const kind of KINDS) {
    const c = g[kind];
    if (c === undefined || c.count === 0) continue;
    for (const a of fieldsOf(c, kind)) {
      visit(a, size, c.count);
      size = align8(size + c.count * a.BYTES_PER_ELEMENT);
    }
  }
  const logs = g.logs;
  if (logs !== undefined && logs.count > 0 && logs.nArgs > 0) {
    for (const a of argArrays(logs)) {
      visit(a, size, logs.nArgs);
      size = align8(size + logs.nArgs * a.BYTES_PER_ELEMENT);
    }
  }
  return size;
}

/** Copies a closed block out of `w` (which the caller then resets). `bytes`: what it holds, counted against the queue budget. */
export function packBlock(w: BlockWriter, pool: BufferPool): { raw: RawBlock; bytes: number } {
  const g = w.groups();
  const nStr = g.logs !== undefined && g.logs.count > 0 ? g.logs.nStrArgs : 0;
  const columnsSize = layout(w, () => undefined);
  const size = columnsSize + nStr * 4;
  const buffer = pool.take(size);
  const chars = w.strings.chars; // includes the text of string arguments: taken before they are interned
  layout(w, (a, offset, n) => new (a.constructor as ColumnCtor)(buffer, offset, n).set(a.subarray(0, n) as never));
  if (nStr > 0) internArgs(w, g.logs!.argStr, new Uint32Array(buffer, columnsSize, nStr));
  const columns: RawBlock['columns'] = {};
  for (const kind of KINDS) {
    const c = g[kind];
    if (c !== undefined && c.count > 0) columns[kind] = c.count;
  }
  const raw: RawBlock = {
    capacity: w.capacity,
    strings: w.strings.items.slice(0, w.strings.size),
    descs: w.descs.map(({ name, target, file, line }) => ({ name, target, file, line })),
    buffer,
    columns,
  };
  const logs = g.logs;
  if (logs !== undefined && logs.count > 0 && logs.nArgs > 0) raw.args = { n: logs.nArgs, nStr };
  return { raw, bytes: size + chars * 2 };
}

function internArgs(w: BlockWriter, argStr: string[], ids: Uint32Array): void {
  const strings = w.strings;
  for (let i = 0; i < ids.length; i++) ids[i] = strings.intern(argStr[i]);
}

/** Refills an empty writer (of capacity ≥ raw.capacity) with a packed block; string and desc ids come out the same. */
export function unpackBlock(raw: RawBlock, w: BlockWriter): void {
  for (const s of raw.strings) w.strings.intern(s);
  for (const d of raw.descs) w.descId(spanDesc(d.name, d.target, d.file, d.line));
  for (const kind of KINDS) if (raw.columns[kind] !== undefined) w[kind].count = raw.columns[kind]!;
  if (raw.args !== undefined) {
    const logs = w.logs;
    if (logs.argType.length < raw.args.n) [logs.argType, logs.argNum] = [new Uint8Array(raw.args.n), new Float64Array(raw.args.n)];
    logs.nArgs = raw.args.n;
  }
  const columnsSize = layout(w, (a, offset, n) => (a as Uint8Array).set(new (a.constructor as ColumnCtor)(raw.buffer, offset, n) as Uint8Array));
  if (raw.args !== undefined && raw.args.nStr > 0) {
    // The encoder interns the argument texts again: they are in the table already, so the ids stay the same.
    const logs = w.logs;
    const ids = new Uint32Array(raw.buffer, columnsSize, raw.args.nStr);
    if (logs.argStr.length < ids.length) logs.argStr = new Array<string>(ids.length).fill('');
    for (let i = 0; i < ids.length; i++) logs.argStr[i] = raw.strings[ids[i]];
    logs.nStrArgs = ids.length;
  }
}
