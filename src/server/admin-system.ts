import { streamKinds, type StreamStorageRow } from '../datalake/catalog/index.js';
import { VIEW_SETS } from '../views/index.js';
import type { AdminColumn, AdminFunction, AdminValue } from './admin-functions.js';

/**
 * System views as table functions (issue 5), for anyone (they only read):
 *
 *   storage_by_kind()      raw storage per stream kind (log, metrics, spans, other)
 *   storage_by_process()   raw storage per process, and whether it is kept
 *   blocks_by_view_set()   blocks and events that feed each view set
 *   partition_stats()      partition records per view set
 *   cache_stats()          partition cache hits and misses, builds (this node)
 *   decoded_blocks()       blocks decoded per view set since start (this node)
 *   maintenance_history()  this node's maintenance runs
 *   retention_history()    retention runs and process deletions (catalog: every node)
 */
const ts = (us: number | null | undefined): AdminValue => (us === null || us === undefined ? null : { us });
const big = (name: string): AdminColumn => ({ name, type: 'BIGINT' });
const text = (name: string): AdminColumn => ({ name, type: 'VARCHAR' });
const time = (name: string): AdminColumn => ({ name, type: 'TIMESTAMPTZ' });

interface Totals {
  streams: number;
  blocks: number;
  events: number;
  bytes: number;
  min: number | null;
  max: number | null;
}

const empty = (): Totals => ({ streams: 0, blocks: 0, events: 0, bytes: 0, min: null, max: null });

function add(t: Totals, s: StreamStorageRow): void {
  t.streams++;
  t.blocks += s.blocks;
  t.events += s.events;
  t.bytes += s.bytes;
  if (s.min_time !== null) t.min = t.min === null ? s.min_time : Math.min(t.min, s.min_time);
  if (s.max_time !== null) t.max = t.max === null ? s.max_time : Math.max(t.max, s.max_time);
}

/** A stream counts once, under the first kind it carries (log, metrics, spans), or 'other'. */
const kindOf = (tags: string[]): string => streamKinds(tags)[0] ?? 'other';

const noArgs: Pick<AdminFunction, 'params' | 'optional' | 'adminOnly' | 'viewSetArg'> = { params: [], optional: 0, adminOnly: false, viewSetArg: null };

export const SYSTEM_FUNCTIONS: readonly AdminFunction[] = [
  {
    name: 'storage_by_kind',
    ...noArgs,
    columns: [text('kind'), big('streams'), big('blocks'), big('events'), big('bytes'), time('min_event_time'), time('max_event_time')],
    async run(ctx) {
      const byKind = new Map<string, Totals>(['log', 'metrics', 'spans', 'other'].map((k) => [k, empty()]));
      for (const s of await ctx.services().catalog.retention.storageByStream()) add(byKind.get(kindOf(s.tags))!, s);
      return [...byKind].map(([k, t]) => [k, t.streams, t.blocks, t.events, t.bytes, ts(t.min), ts(t.max)]);
    },
  },
  {
    name: 'storage_by_process',
    ...noArgs,
    columns: [text('process_id'), text('exe'), text('computer'), { name: 'kept', type: 'BOOLEAN' }, time('kept_until'), big('streams'), big('blocks'), big('events'), big('bytes'), time('min_event_time'), time('max_event_time')],
    async run(ctx) {
      const { catalog } = ctx.services();
      const [storage, processes, kept] = await Promise.all([catalog.retention.storageByStream(), catalog.listProcesses(), catalog.retention.listKeptProcesses()]);
      const byProcess = new Map<string, Totals>(processes.map((p) => [p.process_id, empty()]));
      for (const s of storage) add(byProcess.get(s.process_id) ?? byProcess.set(s.process_id, empty()).get(s.process_id)!, s);
      const keeps = new Map(kept.map((k) => [k.process_id, k]));
      const now = Date.now() * 1000;
      return processes.map((p) => {
        const t = byProcess.get(p.process_id)!;
        const k = keeps.get(p.process_id);
        const live = k !== undefined && (k.expires_at === null || k.expires_at > now);
        return [p.process_id, p.exe, p.computer, live, live ? ts(k.expires_at) : null, t.streams, t.blocks, t.events, t.bytes, ts(t.min), ts(t.max)];
      });
    },
  },
  {
    name: 'blocks_by_view_set',
    ...noArgs,
    columns: [text('view_set_name'), text('stream_tag'), big('streams'), big('blocks'), big('events'), big('bytes')],
    async run(ctx) {
      const storage = await ctx.services().catalog.retention.storageByStream();
      return VIEW_SETS.flatMap((v) => {
        if (v.source !== 'blocks') return [];
        const t = empty();
        for (const s of storage) if (s.tags.includes(v.streamTag)) add(t, s);
        return [[v.name, v.streamTag, t.streams, t.blocks, t.events, t.bytes]];
      });
    },
  },
  {
    name: 'partition_stats',
    ...noArgs,
    columns: [text('view_set_name'), big('live_partitions'), big('retired_partitions'), big('row_count'), big('file_bytes')],
    run: async (ctx) => (await ctx.services().catalog.retention.partitionSummary()).map((p) => [p.view_set, p.live, p.retired, p.rows, p.bytes]),
  },
  {
    name: 'cache_stats',
    ...noArgs,
    columns: [big('cache_hits'), big('cache_misses'), { name: 'hit_rate', type: 'DOUBLE' }, big('partitions_built')],
    async run(ctx) {
      const s = ctx.services().stats();
      const lookups = s.cacheHits + s.cacheMisses;
      return [[s.cacheHits, s.cacheMisses, lookups === 0 ? null : s.cacheHits / lookups, s.builds]];
    },
  },
  {
    name: 'decoded_blocks',
    ...noArgs,
    columns: [text('view_set_name'), big('blocks_decoded')],
    async run(ctx) {
      const decoded = ctx.services().stats().blocksDecoded;
      return VIEW_SETS.filter((v) => v.source === 'blocks').map((v) => [v.name, decoded.get(v.name) ?? 0]);
    },
  },
  {
    name: 'maintenance_history',
    ...noArgs,
    columns: [time('started_at'), big('ms'), time('watermark'), big('partitions_built'), big('hours_merged'), big('files_deleted'), big('retention_blocks_deleted'), text('errors')],
    async run(ctx) {
      return ctx.services().maintenanceHistory().map((r) => [
        ts(r.startedAt * 1000), r.ms, ts(r.watermark), Object.values(r.built).reduce((a, b) => a + b, 0), r.merged.length, r.deleted,
        r.retention?.blocks ?? null, r.errors.length === 0 ? null : r.errors.map((e) => `${e.step}: ${e.message}`).join('; '),
      ]);
    },
  },
  {
    name: 'retention_history',
    ...noArgs,
    columns: [
      text('run_id'), text('trigger'), time('started_at'), time('finished_at'), text('status'), big('blocks_deleted'), big('events_deleted'), big('bytes_deleted'),
      big('streams_deleted'), big('processes_deleted'), big('partitions_retired'), big('objects_deleted'), text('message'),
    ],
    async run(ctx) {
      return (await ctx.services().retention.history(100)).map((r) => [
        r.run_id, r.trigger, ts(r.started_at), ts(r.finished_at), r.status, r.blocks_deleted, r.events_deleted, r.bytes_deleted,
        r.streams_deleted, r.processes_deleted, r.partitions_retired, r.objects_deleted, r.message,
      ]);
    },
  },
];
