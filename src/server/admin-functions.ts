/**
 * Lakehouse administration as table functions (issue 4):
 *
 *   SELECT * FROM list_view_sets()
 *   SELECT * FROM list_partitions()                       -- also ('<set>') and ('<set>', '<instance>')
 *   SELECT * FROM materialize_partitions('<set>', '<begin>', '<end>')
 *   SELECT * FROM retire_partitions('<set>', '<instance>', '<begin>', '<end>')
 *
 * DuckDB knows none of them: at Parse each call becomes a TEMP TABLE of the
 * function's result columns (admin-calls.ts), at Execute the function runs
 * and fills it. This file holds what each function is: its arguments, its
 * columns, who may run it and what it does.
 *
 * Who may run what: the list functions only read the catalog, anyone may.
 * materialize_partitions and retire_partitions spend the server's CPU,
 * object store and cache, and change what every session reads: only a
 * session whose user is an admin (users file `name:secret:admin`; every
 * session under trust authentication) may run them, others get 42501.
 */

/** A partition as the catalog records it (µs since the epoch). */
export interface AdminPartition {
  view_set: string;
  instance_id: string;
  begin_insert_time: number;
  end_insert_time: number;
  min_event_time: number | null;
  max_event_time: number | null;
  row_count: number;
  file_path: string | null;
  file_size: number;
  source_count: number;
  schema_version: number;
  created_at: number;
}

export interface AdminViewSet {
  name: string;
  schemaVersion: number;
  global: boolean;
  instanceKind: string | null;
  timeColumn: string;
  description: string;
}

import type { AdminServices } from './admin-services.js';
import { RETENTION_FUNCTIONS } from './admin-retention.js';
import { SYSTEM_FUNCTIONS } from './admin-system.js';

type Progress = (message: string) => void;
interface Range { begin?: number; end?: number }

/** What the administration functions need of the lakehouse (src/lakehouse/lakehouse.ts implements it). */
export interface LakehouseAdmin {
  viewSets(): AdminViewSet[];
  listLivePartitions(filter?: { viewSet?: string; instanceId?: string }): Promise<AdminPartition[]>;
  /** The partitions a query over this event-time range reads, built when missing or stale. */
  materializeRange(ref: { viewSet: string; instanceId: string }, range: Range, progress?: Progress): Promise<AdminPartition[]>;
  /** Retires the live partitions whose insert-time range overlaps `range`. */
  retireRange(ref: { viewSet: string; instanceId: string }, range: Range, progress?: Progress): Promise<AdminPartition[]>;
}

/** A result value: text, number, boolean, a timestamp (µs, `{ us }`) or null. */
export type AdminValue = string | number | boolean | { us: number } | null;

export interface AdminColumn {
  name: string;
  /** DuckDB type of the column. */
  type: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMPTZ' | 'DOUBLE';
}

export interface AdminRunContext {
  lakehouse: LakehouseAdmin;
  progress: Progress;
  /** Parses a timestamp argument in the session's time zone (22007 when it is not one). */
  timestamp(argName: string, text: string): Promise<number>;
  /** The retention service, catalog and counters (server/admin-services.ts); 55000 when the server has none. */
  services(): AdminServices;
  /** A positive interval argument ('7 days') as µs (22007 / 22023). */
  interval(argName: string, text: string): Promise<number>;
  /** When a keep ends: µs, or null for 'never' (server/admin-args.ts). */
  expiry(text: string): Promise<number | null>;
  /** Process ids from a list or from a query run in the session (server/admin-args.ts). */
  processIds(text: string): Promise<string[]>;
}

export interface AdminFunction {
  name: string;
  /** Argument names; the last `optional` of them may be left out. */
  params: string[];
  optional: number;
  /** Only admins may run it (42501 otherwise). */
  adminOnly: boolean;
  /** The argument that names a view set (checked at Parse: 42P01 for an unknown one), if any. */
  viewSetArg: number | null;
  columns: AdminColumn[];
  run(ctx: AdminRunContext, args: string[]): Promise<AdminValue[][]>;
}

const PARTITION_COLUMNS: AdminColumn[] = [
  { name: 'view_set_name', type: 'VARCHAR' },
  { name: 'view_instance_id', type: 'VARCHAR' },
  { name: 'begin_insert_time', type: 'TIMESTAMPTZ' },
  { name: 'end_insert_time', type: 'TIMESTAMPTZ' },
  { name: 'min_event_time', type: 'TIMESTAMPTZ' },
  { name: 'max_event_time', type: 'TIMESTAMPTZ' },
  { name: 'row_count', type: 'BIGINT' },
  { name: 'file_path', type: 'VARCHAR' },
  { name: 'file_size', type: 'BIGINT' },
  { name: 'source_count', type: 'BIGINT' },
  { name: 'schema_version', type: 'INTEGER' },
  { name: 'created_at', type: 'TIMESTAMPTZ' },
];

const ts = (us: number | null): AdminValue => (us === null ? null : { us });

function partitionRow(p: AdminPartition): AdminValue[] {
  return [
    p.view_set, p.instance_id, ts(p.begin_insert_time), ts(p.end_insert_time), ts(p.min_event_time), ts(p.max_event_time),
    p.row_count, p.file_path, p.file_size, p.source_count, p.schema_version, ts(p.created_at),
  ];
}

const byInsertTime = (a: AdminPartition, b: AdminPartition): number =>
  a.view_set.localeCompare(b.view_set) || a.instance_id.localeCompare(b.instance_id) || a.begin_insert_time - b.begin_insert_time;

async function timeRange(ctx: AdminRunContext, begin: string, end: string): Promise<Range> {
  const range = { begin: await ctx.timestamp('begin', begin), end: await ctx.timestamp('end', end) };
  return range;
}

const LAKEHOUSE_FUNCTIONS: readonly AdminFunction[] = [
  {
    name: 'list_view_sets',
    params: [],
    optional: 0,
    adminOnly: false,
    viewSetArg: null,
    columns: [
      { name: 'view_set_name', type: 'VARCHAR' },
      { name: 'schema_version', type: 'INTEGER' },
      { name: 'has_global', type: 'BOOLEAN' },
      { name: 'instance_kind', type: 'VARCHAR' },
      { name: 'time_column', type: 'VARCHAR' },
      { name: 'description', type: 'VARCHAR' },
    ],
    run: async (ctx) => ctx.lakehouse.viewSets().map((v) => [v.name, v.schemaVersion, v.global, v.instanceKind, v.timeColumn, v.description]),
  },
  {
    name: 'list_partitions',
    params: ['view_set', 'view_instance_id'],
    optional: 2,
    adminOnly: false,
    viewSetArg: 0,
    columns: PARTITION_COLUMNS,
    async run(ctx, [viewSet, instanceId]) {
      const parts = await ctx.lakehouse.listLivePartitions({ viewSet, instanceId });
      return parts.sort(byInsertTime).map(partitionRow);
    },
  },
  {
    name: 'materialize_partitions',
    params: ['view_set', 'begin', 'end'],
    optional: 0,
    adminOnly: true,
    viewSetArg: 0,
    columns: PARTITION_COLUMNS,
    async run(ctx, [viewSet, begin, end]) {
      const range = await timeRange(ctx, begin, end);
      ctx.progress(`materialize_partitions: ${viewSet}/global, event time [${begin}, ${end})`);
      const parts = await ctx.lakehouse.materializeRange({ viewSet, instanceId: 'global' }, range, ctx.progress);
      ctx.progress(`materialize_partitions: ${parts.length} partition(s) ready`);
      return parts.sort(byInsertTime).map(partitionRow);
    },
  },
  {
    name: 'retire_partitions',
    params: ['view_set', 'view_instance_id', 'begin', 'end'],
    optional: 0,
    adminOnly: true,
    viewSetArg: 0,
    columns: PARTITION_COLUMNS,
    async run(ctx, [viewSet, instanceId, begin, end]) {
      const range = await timeRange(ctx, begin, end);
      ctx.progress(`retire_partitions: ${viewSet}/${instanceId}, insert time [${begin}, ${end})`);
      const parts = await ctx.lakehouse.retireRange({ viewSet, instanceId }, range, ctx.progress);
      return parts.sort(byInsertTime).map(partitionRow);
    },
  },
];

/** Lakehouse (issue 4), retention and tail sampling, system views (issue 5). */
export const ADMIN_FUNCTIONS: readonly AdminFunction[] = [...LAKEHOUSE_FUNCTIONS, ...RETENTION_FUNCTIONS, ...SYSTEM_FUNCTIONS];

export const ADMIN_FUNCTION_NAMES = new Set(ADMIN_FUNCTIONS.map((f) => f.name));

export function adminFunction(name: string): AdminFunction | undefined {
  return ADMIN_FUNCTIONS.find((f) => f.name === name);
}

export function signature(f: AdminFunction): string {
  return `${f.name}(${f.params.map((p, i) => (i >= f.params.length - f.optional ? `[${p}]` : p)).join(', ')})`;
}
