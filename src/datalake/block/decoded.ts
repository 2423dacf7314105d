import type { Codec } from './format.js';

/** The block header, readable without decompressing (readBlockMeta). */
export interface BlockMeta {
  version: number;
  codec: Codec;
  blockId: string;
  streamId: string;
  processId: string;
  /** µs since the Unix epoch. */
  beginTime: number;
  endTime: number;
  beginTicks: bigint;
  endTicks: bigint;
  /** Ticks per second. */
  tscFrequency: number;
  objectOffset: number;
  nbObjects: number;
  /** Bytes of the stored (compressed) payload. */
  payloadSize: number;
  /** Bytes of the payload once decompressed. */
  rawSize: number;
  /** Bytes of the whole block: what the catalog records as payload_size. */
  blockSize: number;
}

/**
 * Columns shared by every event kind. `ticks` is exact (ns, or 1/tsc_frequency
 * units, since the block's begin_ticks); `time` is µs since the Unix epoch with
 * a fractional part, derived as begin_time + ticks / (tsc_frequency / 1e6).
 */
export interface TimedColumns {
  count: number;
  ticks: Float64Array;
  time: Float64Array;
}

/** String-valued columns are ids into DecodedBlock.strings; properties are JSON object text or -1. */
export interface DecodedLogs extends TimedColumns {
  level: Uint8Array;
  target: Uint32Array;
  /** Static messages point into the block string table; formatted ones to texts appended after it. */
  msg: Uint32Array;
  properties: Int32Array;
}

export interface DecodedMetrics extends TimedColumns {
  target: Uint32Array;
  name: Uint32Array;
  unit: Uint32Array;
  properties: Int32Array;
  value: Float64Array;
  /** 0 int, 1 float: how the value was recorded. */
  valueKind: Uint8Array;
}

export interface DecodedThreadSpans extends TimedColumns {
  /** 0 begin, 1 end. */
  eventType: Uint8Array;
  /** Index into DecodedBlock.spanDescs. */
  desc: Uint32Array;
}

export interface DecodedAsyncSpans extends DecodedThreadSpans {
  spanId: Float64Array;
  /** 0 for a root span. */
  parentSpanId: Float64Array;
  depth: Uint32Array;
}

export interface DecodedSpanDescs {
  count: number;
  name: Uint32Array;
  target: Uint32Array;
  file: Uint32Array;
  line: Uint32Array;
  /** CRC-32 of `target \n name \n file \n line`, stable across blocks and processes. */
  hash: Uint32Array;
}

export interface DecodedBlock {
  meta: BlockMeta;
  /** The block string table, then the formatted messages of this block. */
  strings: string[];
  /** Size of the block string table (ids below it are interned dependencies). */
  internedStrings: number;
  spanDescs: DecodedSpanDescs;
  logs?: DecodedLogs;
  metrics?: DecodedMetrics;
  threadSpans?: DecodedThreadSpans;
  asyncSpans?: DecodedAsyncSpans;
}
