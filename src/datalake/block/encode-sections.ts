import type { ByteWriter } from './bytes.js';
import { ArgType, ColumnType, EventKind, LAYOUTS, ValueKind } from './format.js';
import type { BlockWriter } from './writer.js';

/** Event ticks as exact doubles relative to `base`; begin_ticks = base + min. */
export interface TickRange {
  base: bigint;
  min: number;
  max: number;
  empty: boolean;
}

/** Writes `nSections` and one section per non-empty event kind, columns in LAYOUTS order. */
export function writeSections(out: ByteWriter, writer: BlockWriter, range: TickRange, argStrIds: Uint32Array): void {
  const g = writer.groups();
  const present = [g.logs, g.metrics, g.threadSpans, g.asyncSpans].filter((c) => c !== undefined && c.count > 0).length;
  out.varuint(present);
  const bh = Number(range.base >> 32n);
  const bl = Number(range.base & 0xffffffffn);
  const ticks = (t: BigInt64Array, n: number): void => ticksColumn(out, t, n, bh, bl, range);
  if (g.logs && g.logs.count > 0) {
    const c = g.logs;
    const n = c.count;
    section(out, EventKind.Log, n);
    ticks(c.ticks, n);
    u8Column(out, c.level, n);
    varuintColumn(out, ColumnType.StringRef, c.target, n);
    varuintColumn(out, ColumnType.StringRef, c.msg, n);
    varuintColumn(out, ColumnType.OptStringRef, c.props, n);
    varuintColumn(out, ColumnType.VarUint, c.argCount, n);
    u8Column(out, c.argType, c.nArgs);
    zigzagWhere(out, c.argNum, c.argType, c.nArgs, ArgType.Int);
    f64Where(out, c.argNum, c.argType, c.nArgs, ArgType.Float);
    varuintColumn(out, ColumnType.StringRef, argStrIds, argStrIds.length);
  }
  if (g.metrics && g.metrics.count > 0) {
    const c = g.metrics;
    const n = c.count;
    section(out, EventKind.Metric, n);
    ticks(c.ticks, n);
    varuintColumn(out, ColumnType.StringRef, c.target, n);
    varuintColumn(out, ColumnType.StringRef, c.name, n);
    varuintColumn(out, ColumnType.StringRef, c.unit, n);
    varuintColumn(out, ColumnType.OptStringRef, c.props, n);
    u8Column(out, c.kind, n);
    zigzagWhere(out, c.value, c.kind, n, ValueKind.Int);
    f64Where(out, c.value, c.kind, n, ValueKind.Float);
  }
  if (g.threadSpans && g.threadSpans.count > 0) {
    const c = g.threadSpans;
    section(out, EventKind.ThreadSpan, c.count);
    ticks(c.ticks, c.count);
    u8Column(out, c.type, c.count);
    varuintColumn(out, ColumnType.DescRef, c.desc, c.count);
  }
  if (g.asyncSpans && g.asyncSpans.count > 0) {
    const c = g.asyncSpans;
    const n = c.count;
    section(out, EventKind.AsyncSpan, n);
    ticks(c.ticks, n);
    u8Column(out, c.type, n);
    zigzagDeltaColumn(out, c.spanId, n);
    varuintColumn(out, ColumnType.VarUint, c.parentSpanId, n);
    varuintColumn(out, ColumnType.VarUint, c.depth, n);
    varuintColumn(out, ColumnType.DescRef, c.desc, n);
  }
}

function section(out: ByteWriter, kind: EventKind, n: number): void {
  out.u8(kind);
  out.varuint(n);
  out.u8(LAYOUTS[kind].columns.length);
}

/** Column header: type, count, then a byte length patched once the values are written. */
function beginColumn(out: ByteWriter, type: ColumnType, count: number, maxBytes: number): number {
  out.u8(type);
  out.varuint(count);
  const at = out.reserveLen();
  out.ensure(maxBytes);
  return at;
}

/** LEB128 of 0 ≤ v < 2^53 at b[p]; returns the next position. Small values take the short branches. */
function putVarUint(b: Uint8Array, p: number, v: number): number {
  if (v < 0x80) {
    b[p] = v;
    return p + 1;
  }
  if (v < 0x4000) {
    b[p] = (v & 0x7f) | 0x80;
    b[p + 1] = v >>> 7;
    return p + 2;
  }
  if (v < 0x10000000) {
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
  } else {
    while (v >= 0x80) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
  }
  b[p] = v;
  return p + 1;
}

/** Zigzag: exact for |v| ≤ 2^52. */
const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

/*
 * Each column writer keeps its loop in a function of locals only (buffer,
 * position, arrays) that returns the new position. A loop that also touched
 * object properties after it was deoptimized on every call once V8 had
 * compiled it on-stack (no type feedback for the code after the loop yet):
 * 4 ns/event instead of 15–20.
 */

/** Bytes of the varint of v. Reserving what a column can really need, not 8–10 bytes a value, avoids growing the buffer. */
function varintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function ticksColumn(out: ByteWriter, t: BigInt64Array, n: number, bh: number, bl: number, range: TickRange): void {
  // Every delta lies within the block's tick range, so its zigzag is at most 2 × range + 1.
  const at = beginColumn(out, ColumnType.ZigzagDelta, n, n * varintSize(2 * (range.max - range.min) + 1));
  const lo = new Uint32Array(t.buffer, t.byteOffset, n * 2);
  const hi = new Int32Array(t.buffer, t.byteOffset, n * 2);
  out.pos = putTicks(out.buf, out.pos, lo, hi, n, bh, bl, range.min);
  out.patchLen(at);
}

function putTicks(b: Uint8Array, p: number, lo: Uint32Array, hi: Int32Array, n: number, bh: number, bl: number, min: number): number {
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = (hi[2 * i + 1] - bh) * 4294967296 + (lo[2 * i] - bl) - min;
    p = putVarUint(b, p, zigzag(v - prev));
    prev = v;
  }
  return p;
}

function u8Column(out: ByteWriter, values: Uint8Array, n: number): void {
  const at = beginColumn(out, ColumnType.U8, n, n);
  out.buf.set(values.subarray(0, n), out.pos);
  out.pos += n;
  out.patchLen(at);
}

/**
 * Most id columns hold only values < 128, one byte each: then a native
 * element-converting copy replaces the per-value varint loop.
 */
function varuintColumn(out: ByteWriter, type: ColumnType, values: Uint32Array | Float64Array, n: number): void {
  const max = values instanceof Uint32Array ? maxU32(values, n) : maxF64(values, n);
  const at = beginColumn(out, type, n, n * varintSize(max));
  if (max < 0x80) {
    out.buf.set(values.subarray(0, n), out.pos);
    out.pos += n;
  } else {
    out.pos = values instanceof Uint32Array ? putVarUintsU32(out.buf, out.pos, values, n) : putVarUintsF64(out.buf, out.pos, values, n);
  }
  out.patchLen(at);
}

// Monomorphic copies per array type: one loop over both would be slower for each.
function maxU32(values: Uint32Array, n: number): number {
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i] > max) max = values[i];
  return max;
}

function maxF64(values: Float64Array, n: number): number {
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i] > max) max = values[i];
  return max;
}

function putVarUintsU32(b: Uint8Array, p: number, values: Uint32Array, n: number): number {
  for (let i = 0; i < n; i++) p = putVarUint(b, p, values[i]);
  return p;
}

function putVarUintsF64(b: Uint8Array, p: number, values: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) p = putVarUint(b, p, values[i]);
  return p;
}

function zigzagDeltaColumn(out: ByteWriter, values: Float64Array, n: number): void {
  const at = beginColumn(out, ColumnType.ZigzagDelta, n, n * 8);
  out.pos = putZigzagDeltas(out.buf, out.pos, values, n);
  out.patchLen(at);
}

function putZigzagDeltas(b: Uint8Array, p: number, values: Float64Array, n: number): number {
  let prev = 0;
  for (let i = 0; i < n; i++) {
    p = putVarUint(b, p, zigzag(values[i] - prev));
    prev = values[i];
  }
  return p;
}

function countWhere(kinds: Uint8Array, n: number, want: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (kinds[i] === want) k++;
  return k;
}

function zigzagWhere(out: ByteWriter, values: Float64Array, kinds: Uint8Array, n: number, want: number): void {
  const count = countWhere(kinds, n, want);
  const at = beginColumn(out, ColumnType.Zigzag, count, count * 8);
  out.pos = putZigzagsWhere(out.buf, out.pos, values, kinds, n, want);
  out.patchLen(at);
}

function putZigzagsWhere(b: Uint8Array, p: number, values: Float64Array, kinds: Uint8Array, n: number, want: number): number {
  for (let i = 0; i < n; i++) if (kinds[i] === want) p = putVarUint(b, p, zigzag(values[i]));
  return p;
}

function f64Where(out: ByteWriter, values: Float64Array, kinds: Uint8Array, n: number, want: number): void {
  const count = countWhere(kinds, n, want);
  const at = beginColumn(out, ColumnType.F64, count, count * 8);
  out.pos = putF64sWhere(new DataView(out.buf.buffer, out.buf.byteOffset), out.pos, values, kinds, n, want);
  out.patchLen(at);
}

function putF64sWhere(dv: DataView, p: number, values: Float64Array, kinds: Uint8Array, n: number, want: number): number {
  for (let i = 0; i < n; i++) {
    if (kinds[i] !== want) continue;
    dv.setFloat64(p, values[i], true);
    p += 8;
  }
  return p;
}
