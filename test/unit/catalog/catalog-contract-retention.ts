import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlockRow, Catalog, NewStream } from '../../../src/datalake/catalog/index.js';
import { expectCatalogError } from './catalog-contract.js';
import { newPartition } from './catalog-contract-partitions.js';
import { newBlock, newProcess, newStream } from './rows-fixtures.js';

interface Env {
  catalog: Catalog;
}

const DAY = 86_400_000_000;
/** Event times far before every other suite's blocks (2001), so only this suite's blocks can expire. */
const NOW = 1_000_000_000_000_000 + 100 * DAY;
const key = (b: BlockRow): string => `blobs/${b.process_id}/${b.stream_id}/${b.block_id}`;

async function processWith(catalog: Catalog, tagsPerStream: string[][]): Promise<{ process_id: string; streams: NewStream[] }> {
  const p = newProcess();
  await catalog.insertProcess(p);
  const streams: NewStream[] = [];
  for (const tags of tagsPerStream) {
    const s = newStream(p.process_id, { tags });
    await catalog.insertStream(s);
    streams.push(s);
  }
  return { process_id: p.process_id, streams };
}

/** A block whose last event is `ageDays` before NOW. */
async function blockAged(catalog: Catalog, s: NewStream, ageDays: number): Promise<BlockRow> {
  const b = newBlock(s, { begin_time: NOW - ageDays * DAY - 1000, end_time: NOW - ageDays * DAY, nb_objects: 10, payload_size: 100 });
  await catalog.insertBlock(b);
  return (await catalog.getBlock(b.block_id))!;
}

const cutoffs = { log: NOW - 90 * DAY, metrics: NOW - 90 * DAY, spans: NOW - 7 * DAY };

/** Kept processes, policies, expired blocks and their deletion; part of catalogContract. */
export function retentionContract(env: () => Env): void {
  describe('retention', () => {
    it('keeps existing processes only, replaces an expiry, un-keeps, and drops expired keeps', async () => {
      const { catalog } = env();
      const a = await processWith(catalog, []);
      const b = await processWith(catalog, []);
      const unknown = randomUUID();
      const kept = await catalog.retention.keepProcesses([a.process_id, unknown], NOW + DAY, 'ids');
      expect(kept).toEqual([{ process_id: a.process_id, kept_at: expect.any(Number), expires_at: NOW + DAY, note: 'ids' }]);
      await catalog.retention.keepProcesses([a.process_id, b.process_id], null, 'again');
      const mine = (await catalog.retention.listKeptProcesses()).filter((k) => [a.process_id, b.process_id].includes(k.process_id));
      expect(mine.map((k) => [k.process_id, k.expires_at, k.note]).sort()).toEqual([[a.process_id, null, 'again'], [b.process_id, null, 'again']].sort());
      expect(await catalog.retention.unkeepProcesses([b.process_id, unknown])).toEqual([b.process_id]);
      await catalog.retention.keepProcesses([b.process_id], NOW, 'short');
      const expired = await catalog.retention.removeExpiredKeeps(NOW);
      expect(expired.map((k) => k.process_id)).toContain(b.process_id);
      expect(expired.map((k) => k.process_id)).not.toContain(a.process_id);
      await expectCatalogError(catalog.retention.keepProcesses(['not-a-uuid'], null, 'x'), 'INVALID_INPUT');
      await catalog.retention.unkeepProcesses([a.process_id]);
    });

    it('stores a policy per kind, replaces it, removes it, and refuses an unknown kind', async () => {
      const { catalog } = env();
      await catalog.retention.setRetentionPolicy('spans', 3 * DAY);
      await catalog.retention.setRetentionPolicy('spans', 2 * DAY);
      expect(await catalog.retention.listRetentionPolicies()).toEqual([{ kind: 'spans', max_age_us: 2 * DAY, updated_at: expect.any(Number) }]);
      await catalog.retention.setRetentionPolicy('spans', null);
      expect(await catalog.retention.listRetentionPolicies()).toEqual([]);
      await expectCatalogError(catalog.retention.setRetentionPolicy('traces' as 'spans', DAY), 'INVALID_INPUT', /log, metrics, spans/);
      await expectCatalogError(catalog.retention.setRetentionPolicy('log', 0), 'INVALID_INPUT');
    });

    it('lists the blocks older than their kind’s cutoff, the longest retention winning, kept processes excluded', async () => {
      const { catalog } = env();
      const p = await processWith(catalog, [['log'], ['cpu'], ['log', 'cpu'], ['other']]);
      const [log, cpu, mixed, other] = p.streams;
      const expected = [await blockAged(catalog, log, 100), await blockAged(catalog, cpu, 8), await blockAged(catalog, mixed, 95), await blockAged(catalog, other, 91)];
      for (const [s, age] of [[log, 80], [cpu, 6], [mixed, 8], [other, 8]] as const) await blockAged(catalog, s, age);
      const mine = async (): Promise<string[]> =>
        (await catalog.retention.listExpiredBlocks({ cutoffs, now: NOW, limit: 1000 })).filter((b) => b.process_id === p.process_id).map((b) => b.block_id);
      // oldest end_time first
      expect(await mine()).toEqual([expected[0], expected[2], expected[3], expected[1]].map((b) => b.block_id));
      const count = await catalog.retention.countExpiredBlocks({ cutoffs, now: NOW });
      expect(count).toBeGreaterThanOrEqual(4);
      await catalog.retention.keepProcesses([p.process_id], NOW + DAY, 'test');
      expect(await mine()).toEqual([]);
      expect(await catalog.retention.countExpiredBlocks({ cutoffs, now: NOW })).toBe(count - 4);
      await catalog.retention.keepProcesses([p.process_id], NOW, 'test');
      expect(await mine()).toHaveLength(4);
      await catalog.retention.unkeepProcesses([p.process_id]);
      const limited = await catalog.retention.listExpiredBlocks({ cutoffs, now: NOW, limit: 1 });
      expect(limited).toHaveLength(1);
    });

    it('deletes blocks with their partitions, records their payloads, and removes what is left empty', async () => {
      const { catalog } = env();
      const p = await processWith(catalog, [['log'], ['cpu'], ['metrics']]);
      const [log, cpu, unused] = p.streams;
      const oldLog = await blockAged(catalog, log, 100);
      const newLog = await blockAged(catalog, log, 1);
      const oldCpu = await blockAged(catalog, cpu, 10);
      await catalog.retention.keepProcesses([p.process_id], NOW + DAY, 'kept, then deleted on demand');
      const t = oldCpu.insert_time;
      const hit = newPartition({ view_set: 'thread_spans', instance_id: cpu.stream_id, begin_insert_time: t - 10, end_insert_time: t + 10 });
      const hitGlobal = newPartition({ view_set: 'log_entries', instance_id: 'global', begin_insert_time: oldLog.insert_time, end_insert_time: oldLog.insert_time + 1 });
      const missRange = newPartition({ view_set: 'log_entries', instance_id: p.process_id, begin_insert_time: t + 10, end_insert_time: t + 20 });
      const missInstance = newPartition({ view_set: 'log_entries', instance_id: randomUUID(), begin_insert_time: t - 10, end_insert_time: t + 10 });
      for (const x of [hit, hitGlobal, missRange, missInstance]) await catalog.upsertPartition(x);

      const first = await catalog.retention.deleteBlocks([oldLog, oldCpu], key);
      expect(first).toMatchObject({ blocks: 2, events: 20, bytes: 200, streams: [cpu.stream_id], processes: [] });
      expect(first.objectKeys.sort()).toEqual([key(oldLog), key(oldCpu)].sort());
      expect(first.retired.map((x) => x.file_path).sort()).toEqual([hit.file_path, hitGlobal.file_path].sort());
      expect(await catalog.getBlock(oldLog.block_id)).toBeUndefined();
      expect(await catalog.getStream(cpu.stream_id)).toBeUndefined();
      expect(await catalog.getStream(unused.stream_id)).toBeDefined();
      expect(await catalog.listPartitions({ viewSet: 'thread_spans', instanceId: cpu.stream_id })).toEqual([]);
      expect((await catalog.listPartitions({ viewSet: 'log_entries', instanceId: missInstance.instance_id })).map((x) => x.file_path)).toEqual([missInstance.file_path]);
      expect((await catalog.listPartitions({ viewSet: 'log_entries', instanceId: p.process_id })).map((x) => x.file_path)).toEqual([missRange.file_path]);
      // the rows are gone already: a repeated call deletes nothing
      expect((await catalog.retention.deleteBlocks([oldLog], key)).blocks).toBe(0);

      await expectCatalogError(catalog.retention.deleteEmptyProcess(p.process_id), 'CONFLICT', /still has 1 block/);
      const last = await catalog.retention.deleteBlocks([newLog], key);
      expect(last).toMatchObject({ blocks: 1, processes: [p.process_id] });
      expect(last.streams.sort()).toEqual([log.stream_id, unused.stream_id].sort());
      expect(await catalog.getProcess(p.process_id)).toBeUndefined();
      expect((await catalog.retention.listKeptProcesses()).map((k) => k.process_id)).not.toContain(p.process_id);
      expect(await catalog.retention.deleteEmptyProcess(p.process_id)).toMatchObject({ blocks: 0, processes: [] });

      const pending = (await catalog.retention.listPendingObjectDeletes(Date.now() * 1000 + 60_000_000, 1000)).map((x) => x.object_key);
      expect(pending).toEqual(expect.arrayContaining([key(oldLog), key(oldCpu), key(newLog)]));
      expect(await catalog.retention.listPendingObjectDeletes(0, 1000)).toEqual([]);
      expect(await catalog.retention.removePendingObjectDeletes([key(oldLog), key(oldCpu), key(newLog)])).toBe(3);
    });

    it('refuses a block of a stream deleted after this catalog saw it (UNKNOWN_STREAM), and keeps its batch-mates', async () => {
      const { catalog } = env();
      const p = await processWith(catalog, [['log'], ['metrics']]);
      const [gone, kept] = p.streams;
      // the catalog has seen (and may remember) the stream's process before retention removes it
      const only = await blockAged(catalog, gone, 100);
      await blockAged(catalog, kept, 1);
      const deleted = await catalog.retention.deleteBlocks([only], key);
      expect(deleted.streams).toEqual([gone.stream_id]);
      const late = newBlock(gone, { begin_time: NOW - 1000, end_time: NOW });
      const mate = newBlock(kept, { begin_time: NOW - 1000, end_time: NOW });
      const [lateResult, mateResult] = await Promise.allSettled([catalog.insertBlock(late), catalog.insertBlock(mate)]);
      expect(lateResult.status).toBe('rejected');
      await expectCatalogError(Promise.reject((lateResult as PromiseRejectedResult).reason), 'UNKNOWN_STREAM', /not in the catalog/);
      expect(mateResult).toEqual({ status: 'fulfilled', value: 'inserted' });
      expect(await catalog.getBlock(mate.block_id)).toBeDefined();
    });

    it('retires the live partitions at (instance, insert time) points, and only those', async () => {
      const { catalog } = env();
      const instance = randomUUID();
      const a = newPartition({ instance_id: instance, begin_insert_time: 1000, end_insert_time: 2000 });
      const b = newPartition({ instance_id: instance, begin_insert_time: 2000, end_insert_time: 3000 });
      for (const x of [a, b]) await catalog.upsertPartition(x);
      expect((await catalog.retention.retirePartitionsAt([{ instance, t: 2000 }, { instance: randomUUID(), t: 1500 }])).map((x) => x.file_path)).toEqual([b.file_path]);
      expect((await catalog.listPartitions({ viewSet: a.view_set, instanceId: instance })).map((x) => x.file_path)).toEqual([a.file_path]);
    });

    it('removes a process without blocks, its streams, keep and instance partitions', async () => {
      const { catalog } = env();
      const p = await processWith(catalog, [['log']]);
      await catalog.retention.keepProcesses([p.process_id], null, 'x');
      const part = newPartition({ view_set: 'log_entries', instance_id: p.process_id });
      await catalog.upsertPartition(part);
      const out = await catalog.retention.deleteEmptyProcess(p.process_id);
      expect(out).toMatchObject({ processes: [p.process_id], streams: [p.streams[0].stream_id] });
      expect(out.retired.map((x) => x.file_path)).toContain(part.file_path);
      expect(await catalog.getProcess(p.process_id)).toBeUndefined();
    });

    it('records runs (a second record replaces the first) and lists the latest first', async () => {
      const { catalog } = env();
      const base = { trigger: 'sql', finished_at: null as number | null, status: 'running' as const, blocks_deleted: 0, events_deleted: 0, bytes_deleted: 0, streams_deleted: 0, processes_deleted: 0, partitions_retired: 0, objects_deleted: 0, message: '' };
      const a = { ...base, run_id: randomUUID() as string, started_at: NOW };
      const b = { ...base, run_id: randomUUID() as string, started_at: NOW + 1 };
      await catalog.retention.recordRetentionRun(a);
      await catalog.retention.recordRetentionRun(b);
      const done = { ...a, finished_at: NOW + 5, status: 'done' as const, blocks_deleted: 7, message: 'ok' };
      await catalog.retention.recordRetentionRun(done);
      const runs = (await catalog.retention.listRetentionRuns(100)).filter((r) => [a.run_id, b.run_id].includes(r.run_id));
      expect(runs).toEqual([b, done]);
    });

    it('sums each stream’s blocks, events and bytes, and partitions per view set', async () => {
      const { catalog } = env();
      const p = await processWith(catalog, [['log'], ['cpu']]);
      const b1 = await blockAged(catalog, p.streams[0], 3);
      const b2 = await blockAged(catalog, p.streams[0], 2);
      const rows = (await catalog.retention.storageByStream()).filter((r) => r.process_id === p.process_id);
      expect(rows.find((r) => r.stream_id === p.streams[0].stream_id)).toEqual({
        stream_id: p.streams[0].stream_id, process_id: p.process_id, tags: ['log'], blocks: 2, events: 20, bytes: 200, min_time: b1.begin_time, max_time: b2.end_time,
      });
      expect(rows.find((r) => r.stream_id === p.streams[1].stream_id)).toMatchObject({ blocks: 0, events: 0, bytes: 0, min_time: null, max_time: null });
      const viewSet = `v_${randomUUID().slice(0, 8)}`;
      const x = newPartition({ view_set: viewSet, row_count: 5, file_size: 50 });
      await catalog.upsertPartition(x);
      await catalog.upsertPartition(newPartition({ view_set: viewSet, instance_id: x.instance_id, row_count: 6, file_size: 60 }));
      expect((await catalog.retention.partitionSummary()).find((s) => s.view_set === viewSet)).toEqual({ view_set: viewSet, live: 1, retired: 1, rows: 6, bytes: 60 });
    });
  });
}
