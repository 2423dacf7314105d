import type { ByteReader } from './bytes.js';
import { checkU8, columnHeader, readF64, readOptRefs, readU8, readVarUints, readZigzag, readZigzagDelta } from './decode-columns.js';
import type { DecodedAsyncSpans, DecodedLogs, DecodedMetrics, DecodedThreadSpans, TimedColumns } from './decoded.js';
import { ArgType, EventKind, LAYOUTS, MAX_LEVEL, MIN_LEVEL, ValueKind } from './format.js';

/** What a section decoder needs from the rest of the block. */
export interface SectionContext {
  strings: string[];
  nStrings: number;
  nDescs: number;
  beginTime: number;
  usPerTick: number;
}

function timed(r: ByteReader, kind: EventKind, n: number, ctx: SectionContext): TimedColumns {
  const ticks = readZigzagDelta(r, columnHeader(r, LAYOUTS[kind].columns[0], LAYOUTS[kind].name, n));
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = ctx.beginTime + ticks[i] * ctx.usPerTick;
  return { count: n, ticks, time };
}

const refs = (r: ByteReader, kind: EventKind, col: number, n: number, limit: number): Uint32Array => {
  const c = columnHeader(r, LAYOUTS[kind].columns[col], LAYOUTS[kind].name, n);
  return readVarUints(r, c, new Uint32Array(n), limit, 'id');
};

function u8s(r: ByteReader, kind: EventKind, col: number, n: number | undefined, min: number, max: number): Uint8Array {
  const c = columnHeader(r, LAYOUTS[kind].columns[col], LAYOUTS[kind].name, n);
  const values = readU8(r, c);
  checkU8(r, c, values, min, max);
  return values;
}

function countOf(values: Uint8Array, want: number): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === want) k++;
  return k;
}

export function decodeLogs(r: ByteReader, n: number, ctx: SectionContext): DecodedLogs {
  const K = EventKind.Log;
  const L = LAYOUTS[K].columns;
  const t = timed(r, K, n, ctx);
  const level = u8s(r, K, 1, n, MIN_LEVEL, MAX_LEVEL);
  const target = refs(r, K, 2, n, ctx.nStrings);
  const msg = refs(r, K, 3, n, ctx.nStrings);
  const properties = readOptRefs(r, columnHeader(r, L[4], 'log', n), ctx.nStrings);
  const argCountAt = r.pos;
  const argCount = readVarUints(r, columnHeader(r, L[5], 'log', n), new Uint32Array(n), 256);
  let nArgs = 0;
  for (let i = 0; i < n; i++) nArgs += argCount[i];
  const typeAt = r.pos;
  const typeCol = columnHeader(r, L[6], 'log', undefined);
  if (typeCol.count !== nArgs) r.fail(`log.arg_type holds ${typeCol.count} values but log.arg_count adds up to ${nArgs} (arg_count at ${argCountAt})`, typeAt);
  const argType = readU8(r, typeCol);
  checkU8(r, typeCol, argType, ArgType.Int, ArgType.Str);
  const ints = readZigzag(r, columnHeader(r, L[7], 'log', countOf(argType, ArgType.Int)));
  const floats = readF64(r, columnHeader(r, L[8], 'log', countOf(argType, ArgType.Float)));
  const strs = refs(r, K, 9, countOf(argType, ArgType.Str), ctx.nStrings);
  if (nArgs > 0) formatMessages(r, ctx.strings, msg, argCount, argType, ints, floats, strs);
  return { ...t, level, target, msg, properties };
}

/** Formatted text a block may expand to: a long template used by many events must not blow up a reader. */
const MAX_FORMATTED_CHARS = 256 * 1024 * 1024;

/**
 * Substitutes `{}` placeholders in order; surplus arguments are appended after a
 * space and placeholders without an argument stay as `{}` (docs/block-format.md).
 */
function formatMessages(
  r: ByteReader,
  strings: string[],
  msg: Uint32Array,
  argCount: Uint32Array,
  argType: Uint8Array,
  ints: Float64Array,
  floats: Float64Array,
  strs: Uint32Array,
): void {
  const templates = new Map<number, string[]>();
  let a = 0;
  let ii = 0;
  let fi = 0;
  let si = 0;
  let total = 0;
  for (let i = 0; i < msg.length; i++) {
    const c = argCount[i];
    if (c === 0) continue;
    let parts = templates.get(msg[i]);
    if (parts === undefined) templates.set(msg[i], (parts = strings[msg[i]].split('{}')));
    let s = parts[0];
    for (let k = 0; k < c; k++) {
      const type = argType[a++];
      const v = type === ArgType.Int ? String(ints[ii++]) : type === ArgType.Float ? String(floats[fi++]) : strings[strs[si++]];
      s += k + 1 < parts.length ? v + parts[k + 1] : ' ' + v;
    }
    for (let k = c + 1; k < parts.length; k++) s += '{}' + parts[k];
    total += s.length;
    if (total > MAX_FORMATTED_CHARS) r.fail(`formatted messages expand beyond ${MAX_FORMATTED_CHARS} characters (log event ${i})`, r.pos);
    msg[i] = strings.length;
    strings.push(s);
  }
}

export function decodeMetrics(r: ByteReader, n: number, ctx: SectionContext): DecodedMetrics {
  const K = EventKind.Metric;
  const L = LAYOUTS[K].columns;
  const t = timed(r, K, n, ctx);
  const target = refs(r, K, 1, n, ctx.nStrings);
  const name = refs(r, K, 2, n, ctx.nStrings);
  const unit = refs(r, K, 3, n, ctx.nStrings);
  const properties = readOptRefs(r, columnHeader(r, L[4], 'metric', n), ctx.nStrings);
  const valueKind = u8s(r, K, 5, n, ValueKind.Int, ValueKind.Float);
  const ints = readZigzag(r, columnHeader(r, L[6], 'metric', countOf(valueKind, ValueKind.Int)));
  const floats = readF64(r, columnHeader(r, L[7], 'metric', countOf(valueKind, ValueKind.Float)));
  const value = new Float64Array(n);
  let ii = 0;
  let fi = 0;
  for (let i = 0; i < n; i++) value[i] = valueKind[i] === ValueKind.Int ? ints[ii++] : floats[fi++];
  return { ...t, target, name, unit, properties, value, valueKind };
}

export function decodeThreadSpans(r: ByteReader, n: number, ctx: SectionContext): DecodedThreadSpans {
  const K = EventKind.ThreadSpan;
  const t = timed(r, K, n, ctx);
  const eventType = u8s(r, K, 1, n, 0, 1);
  const desc = refs(r, K, 2, n, ctx.nDescs);
  return { ...t, eventType, desc };
}

export function decodeAsyncSpans(r: ByteReader, n: number, ctx: SectionContext): DecodedAsyncSpans {
  const K = EventKind.AsyncSpan;
  const L = LAYOUTS[K].columns;
  const t = timed(r, K, n, ctx);
  const eventType = u8s(r, K, 1, n, 0, 1);
  const spanId = readZigzagDelta(r, columnHeader(r, L[2], 'async_span', n));
  const parentSpanId = readVarUints(r, columnHeader(r, L[3], 'async_span', n), new Float64Array(n), Infinity);
  const depth = readVarUints(r, columnHeader(r, L[4], 'async_span', n), new Uint32Array(n), 2 ** 32);
  const desc = refs(r, K, 5, n, ctx.nDescs);
  return { ...t, eventType, spanId, parentSpanId, depth, desc };
}
