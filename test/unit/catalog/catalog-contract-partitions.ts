import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlockRow, Catalog, NewPartition } from '../../../src/datalake/catalog/index.js';
import { expectCatalogError } from './catalog-contract.js';
import { newBlock, newProcess, newStream, seedStream } from './rows-fixtures.js';

interface Env {
  catalog: Catalog;
  /** Another catalog instance on the same database. */
  open(): Promise<Catalog>;
}

const T0 = 1_800_000_000_000_000;

export function newPartition(over: Partial<NewPartition> = {}): NewPartition {
  return {
    view_set: 'log_entries',
    instance_id: randomUUID(),
    begin_insert_time: T0,
    end_insert_time: T0 + 60_000_000,
    schema_version: 1,
    min_event_time: T0 - 5,
    max_event_time: T0 + 59_999_999,
    row_count: 42,
    file_path: `views/log_entries/x/${randomUUID()}.parquet`,
    file_size: 123_456,
    source_count: 42,
    ...over,
  };
}

/** Partition records and the planning reads of the lakehouse; part of catalogContract. */
export function partitionsContract(env: () => Env): void {
  describe('partitions', () => {
    it('stores every column exactly; a retried upsert (same file) is a duplicate', async () => {
      const { catalog } = env();
      const before = Date.now() * 1000;
      const p = newPartition();
      expect(await catalog.upsertPartition(p)).toEqual({ status: 'inserted', retired: [] });
      expect(await catalog.upsertPartition({ ...p })).toEqual({ status: 'duplicate', retired: [] });
      const rows = await catalog.listPartitions({ viewSet: p.view_set, instanceId: p.instance_id });
      expect(rows).toEqual([{ ...p, created_at: expect.any(Number), retired_at: null }]);
      expect(Math.abs(rows[0].created_at - before)).toBeLessThan(60_000_000);
    });

    it('records a partition without rows with no file', async () => {
      const { catalog } = env();
      const p = newPartition({ row_count: 0, file_path: null, file_size: 0, min_event_time: null, max_event_time: null });
      await catalog.upsertPartition(p);
      expect(await catalog.listPartitions({ viewSet: p.view_set, instanceId: p.instance_id })).toEqual([{ ...p, created_at: expect.any(Number), retired_at: null }]);
    });

    it('retires the overlapping live partitions of the same view instance, and only those', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      const old = newPartition({ instance_id: instance, schema_version: 0 });
      const next = newPartition({ instance_id: instance, begin_insert_time: T0 + 60_000_000, end_insert_time: T0 + 120_000_000 });
      const otherSet = newPartition({ view_set: 'measures', instance_id: instance });
      const otherInstance = newPartition();
      for (const p of [old, next, otherSet, otherInstance]) await catalog.upsertPartition(p);
      const merged = newPartition({ instance_id: instance, end_insert_time: T0 + 60_000_001 });
      const { retired } = await catalog.upsertPartition(merged);
      expect(retired.map((r) => r.file_path).sort()).toEqual([old.file_path, next.file_path].sort());
      expect(retired.every((r) => r.retired_at !== null)).toBe(true);
      const live = await catalog.listPartitions({ viewSet: 'log_entries', instanceId: instance });
      expect(live.map((r) => r.file_path)).toEqual([merged.file_path]);
      const all = await catalog.listPartitions({ viewSet: 'log_entries', instanceId: instance, includeRetired: true });
      expect(all.map((r) => r.file_path).sort()).toEqual([old.file_path, next.file_path, merged.file_path].sort());
      expect(await catalog.listPartitions({ viewSet: 'measures', instanceId: instance })).toHaveLength(1);
      expect(await catalog.listPartitions({ viewSet: 'log_entries', instanceId: otherInstance.instance_id })).toHaveLength(1);
    });

    it('lists the partitions whose insert range overlaps a range, in insert order', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      const minute = (k: number): NewPartition => newPartition({ instance_id: instance, begin_insert_time: T0 + k * 60_000_000, end_insert_time: T0 + (k + 1) * 60_000_000 });
      const ps = [minute(2), minute(0), minute(1)];
      for (const p of ps) await catalog.upsertPartition(p);
      const paths = async (b?: number, e?: number): Promise<(string | null)[]> =>
        (await catalog.listPartitions({ viewSet: 'log_entries', instanceId: instance, insertTimeBegin: b, insertTimeEnd: e })).map((r) => r.file_path);
      expect(await paths()).toEqual([ps[1].file_path, ps[2].file_path, ps[0].file_path]);
      expect(await paths(T0 + 60_000_000, T0 + 120_000_000)).toEqual([ps[2].file_path]);
      expect(await paths(T0 + 59_999_999, T0 + 120_000_001)).toEqual([ps[1].file_path, ps[2].file_path, ps[0].file_path]);
      expect(await paths(T0 + 180_000_000)).toEqual([]);
    });

    it('retires by schema version and instance', async () => {
      const { catalog } = env();
      const viewSet = `v${randomUUID().slice(0, 8)}`;
      const a = newPartition({ view_set: viewSet, schema_version: 1 });
      const b = newPartition({ view_set: viewSet, schema_version: 2 });
      const c = newPartition({ view_set: viewSet, schema_version: 1 });
      for (const p of [a, b, c]) await catalog.upsertPartition(p);
      const retired = await catalog.retirePartitions({ viewSet, schemaVersionNot: 2 });
      expect(retired.map((r) => r.file_path).sort()).toEqual([a.file_path, c.file_path].sort());
      expect(await catalog.retirePartitions({ viewSet, schemaVersionNot: 2 })).toEqual([]);
      expect(await catalog.retirePartitions({ viewSet, instanceId: b.instance_id })).toMatchObject([{ file_path: b.file_path }]);
      expect(await catalog.listPartitions({ viewSet, instanceId: b.instance_id })).toEqual([]);
    });

    it('retires only the partitions whose insert range overlaps a range, and lists every instance of a view set', async () => {
      const { catalog } = env();
      const viewSet = `v${randomUUID().slice(0, 8)}`;
      const [i1, i2] = [randomUUID(), randomUUID()].sort();
      const minute = (instance: string, k: number): NewPartition =>
        newPartition({ view_set: viewSet, instance_id: instance, begin_insert_time: T0 + k * 60_000_000, end_insert_time: T0 + (k + 1) * 60_000_000 });
      const ps = [minute(i1, 0), minute(i1, 1), minute(i1, 2), minute(i2, 1)];
      for (const p of ps) await catalog.upsertPartition(p);
      const everyInstance = await catalog.listPartitions({ viewSet });
      expect(everyInstance.map((r) => r.file_path)).toEqual(ps.map((p) => p.file_path));
      const retired = await catalog.retirePartitions({ viewSet, instanceId: i1, insertTimeBegin: T0 + 60_000_000, insertTimeEnd: T0 + 120_000_000 });
      expect(retired.map((r) => r.file_path)).toEqual([ps[1].file_path]);
      expect((await catalog.listPartitions({ viewSet })).map((r) => r.file_path)).toEqual([ps[0].file_path, ps[2].file_path, ps[3].file_path]);
      const open = await catalog.retirePartitions({ viewSet, insertTimeBegin: T0 + 120_000_000 });
      expect(open.map((r) => r.file_path)).toEqual([ps[2].file_path]);
    });

    it('lists retired partitions with a file by retirement time, and deletes only retired records', async () => {
      const { catalog } = env();
      const viewSet = `v${randomUUID().slice(0, 8)}`;
      const instance = randomUUID();
      const old = newPartition({ view_set: viewSet, instance_id: instance });
      const empty = newPartition({ view_set: viewSet, instance_id: instance, row_count: 0, file_path: null, begin_insert_time: T0 + 60_000_000, end_insert_time: T0 + 120_000_000 });
      await catalog.upsertPartition(old);
      await catalog.upsertPartition(empty);
      const beforeRetire = Date.now() * 1000 - 1000;
      const live = newPartition({ view_set: viewSet, instance_id: instance, end_insert_time: T0 + 120_000_000 });
      expect((await catalog.upsertPartition(live)).retired).toHaveLength(2);
      const mine = async (retiredBefore: number): Promise<(string | null)[]> =>
        (await catalog.listRetiredPartitions({ retiredBefore })).filter((p) => p.view_set === viewSet).map((p) => p.file_path);
      expect(await mine(beforeRetire)).toEqual([]);
      const after = Date.now() * 1000 + 1_000_000;
      expect(await mine(after)).toEqual([old.file_path]);
      expect(await catalog.deleteRetiredPartitions([old.file_path!, live.file_path!])).toBe(1);
      expect(await mine(after)).toEqual([]);
      expect(await catalog.listPartitions({ viewSet, instanceId: instance })).toMatchObject([{ file_path: live.file_path }]);
      expect(await catalog.deleteRetiredPartitions([])).toBe(0);
    });

    it('keeps one live partition when 4 catalogs upsert the same slice at once', async () => {
      const { open } = env();
      const others = await Promise.all([open(), open(), open(), open()]);
      const instance = randomUUID();
      await Promise.all(others.flatMap((c) => Array.from({ length: 3 }, () => c.upsertPartition(newPartition({ instance_id: instance })))));
      expect(await others[0].listPartitions({ viewSet: 'log_entries', instanceId: instance })).toHaveLength(1);
      expect(await others[0].listPartitions({ viewSet: 'log_entries', instanceId: instance, includeRetired: true })).toHaveLength(12);
    });

    it.each([
      ['an empty range', { end_insert_time: T0 }, /partitions.end_insert_time must be > begin_insert_time/],
      ['rows without a file', { file_path: null }, /partitions.file_path must be null exactly when row_count is 0/],
      ['a negative count', { source_count: -1 }, /partitions.source_count must be an integer >= 0/],
      ['an empty view set', { view_set: '' }, /partitions.view_set must be a non-empty string/],
    ])('rejects a partition with %s', async (_what, over, message) => {
      await expectCatalogError(env().catalog.upsertPartition(newPartition(over as Partial<NewPartition>)), 'INVALID_INPUT', message);
    });
  });

  planningContract(env);
}

function planningContract(env: () => Env): void {
  describe('planning reads', () => {
    /** A process with a log stream and a cpu stream, and blocks inserted one commit each. */
    async function seed(catalog: Catalog): Promise<{ log: BlockRow[]; cpu: BlockRow[]; processId: string; logStream: string; cpuStream: string }> {
      const log = await seedStream(catalog, { tags: ['log'] });
      const cpu = newStream(log.process_id, { tags: ['cpu'] });
      await catalog.insertStream(cpu);
      const t = 1_700_000_000_000_000;
      const specs: [typeof log, number, number, number][] = [
        [log, t, t + 10, 5],
        [cpu, t + 5, t + 30, 7],
        [log, t + 20, t + 40, 11],
        [log, t - 1_000, t - 900, 13],
      ];
      for (const [s, begin, end, n] of specs) await catalog.insertBlock(newBlock(s, { begin_time: begin, end_time: end, nb_objects: n }));
      const rows = await catalog.listBlocks({ processId: log.process_id });
      return { log: rows.filter((r) => r.stream_id === log.stream_id), cpu: rows.filter((r) => r.stream_id === cpu.stream_id), processId: log.process_id, logStream: log.stream_id, cpuStream: cpu.stream_id };
    }

    /** The expected answer of blockSlices, from the rows and the definition of a slice. */
    function slicesOf(rows: BlockRow[], width: number): { sliceBegin: number; blockCount: number; objectCount: number }[] {
      const by = new Map<number, { sliceBegin: number; blockCount: number; objectCount: number }>();
      for (const r of rows) {
        const k = Math.floor(r.insert_time / width) * width;
        const s = by.get(k) ?? { sliceBegin: k, blockCount: 0, objectCount: 0 };
        s.blockCount++;
        s.objectCount += r.nb_objects;
        by.set(k, s);
      }
      return [...by.values()].sort((a, b) => a.sliceBegin - b.sliceBegin);
    }

    it('sums the blocks of each insert-time slice, by stream tag and instance', async () => {
      const { catalog } = env();
      const s = await seed(catalog);
      for (const width of [1, 7, 1_000_000_000]) {
        expect(await catalog.blockSlices({ sliceWidth: width, processId: s.processId, streamTag: 'log' })).toEqual(slicesOf(s.log, width));
        expect(await catalog.blockSlices({ sliceWidth: width, streamId: s.cpuStream })).toEqual(slicesOf(s.cpu, width));
      }
      expect(await catalog.blockSlices({ sliceWidth: 1, processId: s.processId, streamTag: 'metrics' })).toEqual([]);
      const cut = s.log[1].insert_time;
      expect(await catalog.blockSlices({ sliceWidth: 1, processId: s.processId, streamTag: 'log', insertTimeBegin: cut })).toEqual(slicesOf(s.log.slice(1), 1));
      expect(await catalog.blockSlices({ sliceWidth: 1, processId: s.processId, streamTag: 'log', insertTimeEnd: cut })).toEqual(slicesOf(s.log.slice(0, 1), 1));
      await expectCatalogError(catalog.blockSlices({ sliceWidth: 0 }), 'INVALID_INPUT', /sliceWidth must be a positive integer/);
    });

    it('keeps the slices that hold a block overlapping the event range, counting all of their blocks', async () => {
      const { catalog } = env();
      const s = await seed(catalog);
      const t = 1_700_000_000_000_000;
      const huge = 1_000_000_000_000;
      const q = { processId: s.processId, streamTag: 'log' };
      // One slice holds every block: a single overlapping block brings all of them in.
      expect(await catalog.blockSlices({ ...q, sliceWidth: huge, beginTime: t + 35, endTime: t + 36 })).toEqual(slicesOf(s.log, huge));
      // One slice per commit: only the commits of overlapping blocks.
      expect(await catalog.blockSlices({ ...q, sliceWidth: 1, beginTime: t, endTime: t + 15 })).toEqual(slicesOf([s.log[0]], 1));
      expect(await catalog.blockSlices({ ...q, sliceWidth: 1, beginTime: t + 10 })).toEqual(slicesOf(s.log.slice(0, 2), 1));
      expect(await catalog.blockSlices({ ...q, sliceWidth: 1, endTime: t })).toEqual(slicesOf([s.log[2]], 1));
      expect(await catalog.blockSlices({ ...q, sliceWidth: 1, beginTime: t + 41 })).toEqual([]);
    });

    it('lists blocks by stream tag and instance, in insert order', async () => {
      const { catalog } = env();
      const s = await seed(catalog);
      const ids = (rows: BlockRow[]): string[] => rows.map((r) => r.block_id);
      expect(ids(await catalog.listTaggedBlocks({ processId: s.processId, streamTag: 'log' }))).toEqual(ids(s.log));
      expect(await catalog.listTaggedBlocks({ processId: s.processId, streamTag: 'cpu' })).toEqual(s.cpu);
      expect(ids(await catalog.listTaggedBlocks({ streamId: s.logStream, insertTimeBegin: s.log[1].insert_time, insertTimeEnd: s.log[2].insert_time }))).toEqual([s.log[1].block_id]);
      expect(ids(await catalog.listTaggedBlocks({ streamTag: 'cpu', insertTimeBegin: s.cpu[0].insert_time, insertTimeEnd: s.cpu[0].insert_time + 1 }))).toEqual(ids(s.cpu));
      await expectCatalogError(catalog.listTaggedBlocks({ processId: 'nope' }), 'INVALID_INPUT', /blocks.process_id/);
    });

    it('gives each process and stream its latest block, bounded by insert time', async () => {
      const { catalog } = env();
      const s = await seed(catalog);
      const idle = newProcess();
      await catalog.insertProcess(idle);
      const p = (await catalog.getProcess(s.processId))!;
      const all = await catalog.listProcessActivity({ insertTimeBegin: p.insert_time });
      const last = s.log[2];
      expect(all.find((r) => r.process_id === s.processId)).toEqual({ ...p, last_block_insert_time: last.insert_time, last_block_end_ticks: last.end_ticks, last_block_end_time: last.end_time });
      expect(all.find((r) => r.process_id === idle.process_id)).toMatchObject({ last_block_insert_time: null, last_block_end_ticks: null, last_block_end_time: null });
      const bounded = await catalog.listProcessActivity({ insertTimeBegin: p.insert_time, insertTimeEnd: p.insert_time + 1, blocksInsertTimeEnd: s.cpu[0].insert_time });
      expect(bounded).toEqual([{ ...p, last_block_insert_time: s.log[0].insert_time, last_block_end_ticks: s.log[0].end_ticks, last_block_end_time: s.log[0].end_time }]);
      const streams = await catalog.listStreamActivity({ insertTimeBegin: p.insert_time });
      const cpu = (await catalog.getStream(s.cpuStream))!;
      expect(streams.find((r) => r.stream_id === s.cpuStream)).toEqual({ ...cpu, last_block_insert_time: s.cpu[0].insert_time });
      expect(streams.map((r) => r.insert_time)).toEqual([...streams.map((r) => r.insert_time)].sort((a, b) => a - b));
    });
  });
}
