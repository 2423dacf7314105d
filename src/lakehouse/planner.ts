import type { Catalog, PartitionRow } from '../datalake/catalog/index.js';
import type { EventRange, ViewSetDef } from '../views/index.js';
import type { Instance } from './instance.js';

/** A slice the query needs: its insert-time range, the freshness key its partition must reach, and a fresh partition if one exists. */
export interface PlannedSlice {
  begin: number;
  end: number;
  need: number;
  fresh?: PartitionRow;
}

export const alignDown = (t: number, width: number): number => Math.floor(t / width) * width;
export const alignUp = (t: number, width: number): number => Math.ceil(t / width) * width;

/**
 * The freshness key of a processes or streams partition: the latest insert
 * time among its rows and their blocks. Every commit that changes such a
 * partition's content (a new process, a new block of one) has a later insert
 * time than all before it, so the key grows exactly when the content changes.
 */
export function sourceKeyOfActivity(rows: readonly { insert_time: number; last_block_insert_time: number | null }[]): number {
  let key = 0;
  for (const r of rows) key = Math.max(key, r.insert_time, r.last_block_insert_time ?? 0);
  return key;
}

/**
 * The slices a query over `range` (on the view's time column) needs, reading
 * only sources inserted before `bound`, each with its current freshness key
 * and, when the catalog has one, its fresh partition (same slice, current
 * schema version, key at least as large: keys only grow, so a larger key is a
 * partition built from a superset that includes everything this query needs).
 * `by: 'insert'` reads `range` as an insert-time range for every view (the maintenance loop).
 */
export async function planSlices(catalog: Catalog, view: ViewSetDef, instance: Instance, range: EventRange, bound: number, by: 'event' | 'insert' = 'event'): Promise<PlannedSlice[]> {
  const slices = await neededSlices(catalog, view, instance, range, bound, by);
  if (slices.length === 0) return slices;
  const existing = await catalog.listPartitions({ viewSet: view.name, instanceId: instance.id, insertTimeBegin: slices[0].begin, insertTimeEnd: slices[slices.length - 1].end });
  const current = existing.filter((p) => p.schema_version === view.schemaVersion);
  const byBegin = new Map<number, PartitionRow>();
  for (const p of current) if (p.end_insert_time - p.begin_insert_time === view.sliceWidth) byBegin.set(p.begin_insert_time, p);
  for (const s of slices) {
    const p = byBegin.get(s.begin);
    if (p && p.source_count >= s.need) s.fresh = p;
  }
  return coverWithMerged(slices, current.filter((p) => p.end_insert_time - p.begin_insert_time > view.sliceWidth));
}

/**
 * Replaces the slices that a merged partition (maintenance.ts: a wider slice
 * built from complete ones) covers by that one partition, when its key is at
 * least the sum of theirs. Merged partitions are made only of complete slices,
 * so a smaller sum cannot happen unless something went wrong: the slices are
 * then rebuilt, which retires the merged partition.
 */
export function coverWithMerged(slices: PlannedSlice[], merged: readonly PartitionRow[]): PlannedSlice[] {
  if (merged.length === 0) return slices;
  const out: PlannedSlice[] = [];
  for (let i = 0; i < slices.length; ) {
    const m = merged.find((p) => p.begin_insert_time <= slices[i].begin && slices[i].end <= p.end_insert_time);
    if (!m) {
      out.push(slices[i++]);
      continue;
    }
    let j = i;
    let need = 0;
    while (j < slices.length && slices[j].end <= m.end_insert_time) need += slices[j++].need;
    if (m.source_count >= need) out.push({ begin: m.begin_insert_time, end: m.end_insert_time, need, fresh: m });
    else out.push(...slices.slice(i, j).map((s) => ({ ...s, fresh: undefined })));
    i = j;
  }
  return out;
}

async function neededSlices(catalog: Catalog, view: ViewSetDef, instance: Instance, range: EventRange, bound: number, by: 'event' | 'insert'): Promise<PlannedSlice[]> {
  const w = view.sliceWidth;
  const slice = (begin: number, need: number): PlannedSlice => ({ begin, end: begin + w, need });
  if (view.source === 'blocks' && by === 'insert') {
    const insertTimeBegin = range.begin === undefined ? undefined : alignDown(range.begin, w);
    const insertTimeEnd = Math.min(bound, range.end === undefined ? bound : alignUp(range.end, w));
    const stats = await catalog.blockSlices({ sliceWidth: w, streamTag: view.streamTag, processId: instance.processId, streamId: instance.streamId, insertTimeBegin, insertTimeEnd });
    return stats.map((s) => slice(s.sliceBegin, s.objectCount));
  }
  if (view.source === 'blocks') {
    const r = view.blockRange(range);
    const stats = await catalog.blockSlices({ sliceWidth: w, streamTag: view.streamTag, processId: instance.processId, streamId: instance.streamId, beginTime: r.begin, endTime: r.end, insertTimeEnd: bound });
    return stats.map((s) => slice(s.sliceBegin, s.objectCount));
  }
  // Catalog views: the query range is on insert time itself.
  const insertTimeBegin = range.begin === undefined ? undefined : alignDown(range.begin, w);
  const insertTimeEnd = Math.min(bound, range.end === undefined ? bound : alignUp(range.end, w));
  if (view.source === 'catalog-blocks') {
    const stats = await catalog.blockSlices({ sliceWidth: w, insertTimeBegin, insertTimeEnd });
    return stats.map((s) => slice(s.sliceBegin, s.blockCount));
  }
  const filter = { insertTimeBegin, insertTimeEnd, blocksInsertTimeEnd: bound };
  const rows = view.source === 'processes' ? await catalog.listProcessActivity(filter) : await catalog.listStreamActivity(filter);
  const groups = new Map<number, { insert_time: number; last_block_insert_time: number | null }[]>();
  for (const r of rows) {
    const k = alignDown(r.insert_time, w);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return [...groups].sort((a, b) => a[0] - b[0]).map(([k, g]) => slice(k, sourceKeyOfActivity(g)));
}
