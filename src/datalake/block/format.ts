/**
 * Constants of the Sirius block format, version 1. docs/block-format.md is the
 * specification; this file is its single source of truth in code: the encoder,
 * the decoder and the stream metadata (objects_metadata) are all built from it.
 */

export const MAGIC = Uint8Array.of(0x53, 0x52, 0x42, 0x4b); // "SRBK"
export const FORMAT_VERSION = 1;

export enum Codec {
  None = 0,
  DeflateRaw = 1,
}

/** Byte offsets of the fixed v1 header (all integers little-endian). */
export const H = {
  magic: 0,
  version: 4,
  codec: 5,
  headerSize: 6,
  blockSize: 8,
  blockId: 12,
  streamId: 28,
  processId: 44,
  beginTime: 60,
  endTime: 68,
  beginTicks: 76,
  endTicks: 84,
  tscFrequency: 92,
  objectOffset: 100,
  nbObjects: 108,
  payloadSize: 112,
  rawSize: 116,
} as const;
export const HEADER_SIZE = 120;
export const CHECKSUM_SIZE = 4;
/** Upper bound on the decompressed payload: a reader allocates nothing bigger. */
export const MAX_RAW_SIZE = 256 * 1024 * 1024;

/** How a column stores its values. Every column is (type u8, count varuint, byte_len varuint, bytes). */
export enum ColumnType {
  /** One byte per value. */
  U8 = 1,
  /** LEB128 unsigned, at most 8 bytes (values < 2^53). */
  VarUint = 2,
  /** Zigzag LEB128 of the difference to the previous value of the column (the first to 0). */
  ZigzagDelta = 3,
  /** IEEE 754 binary64, little-endian. */
  F64 = 4,
  /** VarUint index into the block string table. */
  StringRef = 5,
  /** VarUint: 0 = none, k = string k-1. */
  OptStringRef = 6,
  /** Zigzag LEB128 of the value itself. */
  Zigzag = 7,
  /** VarUint index into the block span-description table. */
  DescRef = 8,
}

export const COLUMN_TYPE_NAMES: Record<number, string> = {
  1: 'u8',
  2: 'varuint',
  3: 'zigzag_delta',
  4: 'f64',
  5: 'string_ref',
  6: 'opt_string_ref',
  7: 'zigzag',
  8: 'desc_ref',
};

export enum EventKind {
  Log = 1,
  Metric = 2,
  ThreadSpan = 3,
  AsyncSpan = 4,
}

/** Formatted-log argument types (log column arg_type). */
export enum ArgType {
  Int = 0,
  Float = 1,
  Str = 2,
}

/** Metric value kinds (metric column value_kind). */
export enum ValueKind {
  Int = 0,
  Float = 1,
}

/** Span event types (thread and async). */
export enum SpanEvent {
  Begin = 0,
  End = 1,
}

export interface ColumnLayout {
  name: string;
  type: ColumnType;
  /** Which count the column holds: one value per event, or per argument / per value kind. */
  per: 'event' | 'arg' | 'arg_int' | 'arg_float' | 'arg_str' | 'value_int' | 'value_float';
}

export interface KindLayout {
  kind: EventKind;
  name: string;
  columns: ColumnLayout[];
}

const ev = (name: string, type: ColumnType): ColumnLayout => ({ name, type, per: 'event' });

export const LAYOUTS: Record<EventKind, KindLayout> = {
  [EventKind.Log]: {
    kind: EventKind.Log,
    name: 'log',
    columns: [
      ev('ticks', ColumnType.ZigzagDelta),
      ev('level', ColumnType.U8),
      ev('target', ColumnType.StringRef),
      ev('msg', ColumnType.StringRef),
      ev('properties', ColumnType.OptStringRef),
      ev('arg_count', ColumnType.VarUint),
      { name: 'arg_type', type: ColumnType.U8, per: 'arg' },
      { name: 'arg_int', type: ColumnType.Zigzag, per: 'arg_int' },
      { name: 'arg_float', type: ColumnType.F64, per: 'arg_float' },
      { name: 'arg_str', type: ColumnType.StringRef, per: 'arg_str' },
    ],
  },
  [EventKind.Metric]: {
    kind: EventKind.Metric,
    name: 'metric',
    columns: [
      ev('ticks', ColumnType.ZigzagDelta),
      ev('target', ColumnType.StringRef),
      ev('name', ColumnType.StringRef),
      ev('unit', ColumnType.StringRef),
      ev('properties', ColumnType.OptStringRef),
      ev('value_kind', ColumnType.U8),
      { name: 'value_int', type: ColumnType.Zigzag, per: 'value_int' },
      { name: 'value_float', type: ColumnType.F64, per: 'value_float' },
    ],
  },
  [EventKind.ThreadSpan]: {
    kind: EventKind.ThreadSpan,
    name: 'thread_span',
    columns: [ev('ticks', ColumnType.ZigzagDelta), ev('event_type', ColumnType.U8), ev('desc', ColumnType.DescRef)],
  },
  [EventKind.AsyncSpan]: {
    kind: EventKind.AsyncSpan,
    name: 'async_span',
    columns: [
      ev('ticks', ColumnType.ZigzagDelta),
      ev('event_type', ColumnType.U8),
      ev('span_id', ColumnType.ZigzagDelta),
      ev('parent_span_id', ColumnType.VarUint),
      ev('depth', ColumnType.VarUint),
      ev('desc', ColumnType.DescRef),
    ],
  },
};

export const KIND_ORDER: EventKind[] = [EventKind.Log, EventKind.Metric, EventKind.ThreadSpan, EventKind.AsyncSpan];

/** Levels: 1 fatal … 6 trace. */
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 6;
