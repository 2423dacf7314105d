import type { DecodedBlock } from '../datalake/block/index.js';
import type { BlockRow, ProcessActivityRow, ProcessRow, StreamActivityRow, StreamRow } from '../datalake/catalog/index.js';
import type { StagedRows, StageColumn } from './staged-rows.js';

/** µs. */
export const MINUTE = 60_000_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** What a view instance id names: a process, a stream, or nothing (the view has only its global instance). */
export type InstanceKind = 'process' | 'stream' | null;

/** Event-time bounds in µs: begin inclusive, end exclusive; absent = open. */
export interface EventRange {
  begin?: number;
  end?: number;
}

/** A block of the slice being built, decoded, with the catalog rows of its stream and process. */
export interface SourceBlock {
  row: BlockRow;
  decoded: DecodedBlock;
  stream: StreamRow;
  process: ProcessRow;
}

/** Builds the rows of one partition from its blocks, fed one at a time (a stream's blocks in stream order). */
export interface BlockRowBuilder<Carry> {
  add(block: SourceBlock): void;
  /** The state to hand to the build of the stream's next slice (views that carry state across slices). */
  finish(): Carry | undefined;
}

/**
 * State that a view needs from a stream's earlier blocks to build a slice
 * (thread_spans: the spans still open when the slice begins). The lakehouse
 * replays earlier blocks through `advance` and memoizes the result.
 */
export interface StreamCarry<Carry> {
  initial(): Carry;
  advance(state: Carry, block: SourceBlock): Carry;
}

interface ViewSetCommon {
  name: string;
  /** Bumped whenever the rows a view produces change (columns, types or meaning): older partitions are then retired. */
  schemaVersion: number;
  /** Every column of the view, in order, with how it is staged (docs/views.md). */
  columns: readonly StageColumn[];
  /** The event-time column that query ranges apply to. */
  timeColumn: string;
  instanceKind: InstanceKind;
  /** Has a global instance (usable as a table name). */
  global: boolean;
  /** Insert-time width of a partition, µs. */
  sliceWidth: number;
  /** One line for `viewSets()` and docs. */
  description: string;
}

/** Views of events decoded from blocks (log_entries, measures, thread_spans, async_events, log_stats). */
export interface BlockViewSet<Carry = unknown> extends ViewSetCommon {
  source: 'blocks';
  /** The tag of the streams whose blocks feed the view. */
  streamTag: string;
  /** The event range of blocks whose slices a query needs, given the query's range on the time column. */
  blockRange(range: EventRange): EventRange;
  /** Stream order matters for this view: each stream's blocks are fed sorted by object_offset. */
  ordered: boolean;
  newBuilder(out: StagedRows, carry: Carry | undefined): BlockRowBuilder<Carry>;
  carry?: StreamCarry<Carry>;
}

/** Views of catalog rows (processes, streams, blocks); their time column is an insert time. */
export interface ProcessesViewSet extends ViewSetCommon {
  source: 'processes';
  build(rows: readonly ProcessActivityRow[], out: StagedRows): void;
}

export interface StreamsViewSet extends ViewSetCommon {
  source: 'streams';
  build(rows: readonly StreamActivityRow[], out: StagedRows): void;
}

export interface BlocksViewSet extends ViewSetCommon {
  source: 'catalog-blocks';
  build(rows: readonly { block: BlockRow; stream: StreamRow; process: ProcessRow }[], out: StagedRows): void;
}

export type ViewSetDef = BlockViewSet | ProcessesViewSet | StreamsViewSet | BlocksViewSet;

/** The public description of a view set. */
export interface ViewSetInfo {
  name: string;
  schemaVersion: number;
  columns: { name: string; type: string }[];
  timeColumn: string;
  instanceKind: InstanceKind;
  global: boolean;
  /** The streams that feed it (null for views of catalog rows). */
  streamTag: string | null;
  description: string;
}

export function viewSetInfo(v: ViewSetDef): ViewSetInfo {
  return {
    name: v.name,
    schemaVersion: v.schemaVersion,
    columns: v.columns.map((c) => ({ name: c.name, type: c.type })),
    timeColumn: v.timeColumn,
    instanceKind: v.instanceKind,
    global: v.global,
    streamTag: v.source === 'blocks' ? v.streamTag : null,
    description: v.description,
  };
}

export const sameRange = (range: EventRange): EventRange => range;
