import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/datalake/catalog/index.js';
import { newBlock, newProcess, newStream, seedStream } from './rows-fixtures.js';

interface Env {
  catalog: Catalog;
  /** Another catalog instance on the same database. */
  open(): Promise<Catalog>;
}

/** Listing filters and the insert_time guarantee; part of catalogContract. */
export function listingContract(env: () => Env): void {
  describe('listing', () => {
    it('filters streams by process and by tag', async () => {
      const { catalog } = env();
      const p = newProcess();
      await catalog.insertProcess(p);
      const log = newStream(p.process_id, { tags: ['log'] });
      const cpu = newStream(p.process_id, { tags: ['cpu', 'heavy'] });
      const none = newStream(p.process_id, { tags: [] });
      for (const s of [log, cpu, none]) await catalog.insertStream(s);
      const ids = (rows: { stream_id: string }[]): string[] => rows.map((r) => r.stream_id);
      expect(ids(await catalog.listStreams({ processId: p.process_id }))).toEqual([log.stream_id, cpu.stream_id, none.stream_id]);
      expect(ids(await catalog.listStreams({ processId: p.process_id, tag: 'cpu' }))).toEqual([cpu.stream_id]);
      expect(ids(await catalog.listStreams({ processId: p.process_id, tag: 'heav' }))).toEqual([]);
      expect(ids(await catalog.listStreams({ tag: 'heavy' }))).toContain(cpu.stream_id);
      expect(ids(await catalog.listStreams({ processId: p.process_id, limit: 2 }))).toEqual([log.stream_id, cpu.stream_id]);
    });

    it('filters blocks by stream, process, insert time and event time overlap', async () => {
      const { catalog } = env();
      const s1 = await seedStream(catalog);
      const s2 = newStream(s1.process_id);
      await catalog.insertStream(s2);
      const t0 = 1_800_000_000_000_000;
      const b = [
        newBlock(s1, { begin_time: t0, end_time: t0 + 10 }),
        newBlock(s1, { begin_time: t0 + 10, end_time: t0 + 20 }),
        newBlock(s2, { begin_time: t0 + 20, end_time: t0 + 20 }),
      ];
      for (const x of b) await catalog.insertBlock(x);
      const ids = async (f: Parameters<Catalog['listBlocks']>[0]): Promise<string[]> => (await catalog.listBlocks(f)).map((r) => r.block_id);
      expect(await ids({ streamId: s1.stream_id })).toEqual([b[0].block_id, b[1].block_id]);
      expect(await ids({ processId: s1.process_id })).toEqual(b.map((x) => x.block_id));
      expect(await ids({ processId: s1.process_id, beginTime: t0 + 10, endTime: t0 + 20 })).toEqual([b[0].block_id, b[1].block_id]);
      expect(await ids({ processId: s1.process_id, beginTime: t0 + 11, endTime: t0 + 21 })).toEqual([b[1].block_id, b[2].block_id]);
      expect(await ids({ processId: s1.process_id, beginTime: t0 + 21 })).toEqual([]);
      expect(await ids({ processId: s1.process_id, endTime: t0 })).toEqual([]);
      const inserted = await catalog.listBlocks({ processId: s1.process_id });
      const [i0, i1, i2] = inserted.map((r) => r.insert_time);
      expect(await ids({ processId: s1.process_id, insertTimeBegin: i1 })).toEqual([b[1].block_id, b[2].block_id]);
      expect(await ids({ processId: s1.process_id, insertTimeBegin: i0, insertTimeEnd: i2 })).toEqual([b[0].block_id, b[1].block_id]);
      expect(await ids({ processId: s1.process_id, limit: 1 })).toEqual([b[0].block_id]);
    });

    it('lists processes by insert time', async () => {
      const { catalog } = env();
      const before = await catalog.insertTimeWatermark();
      const ps = [newProcess(), newProcess()];
      for (const p of ps) await catalog.insertProcess(p);
      const after = await catalog.insertTimeWatermark();
      const listed = await catalog.listProcesses({ insertTimeBegin: before + 1, insertTimeEnd: after + 1 });
      expect(listed.map((p) => p.process_id)).toEqual(ps.map((p) => p.process_id));
    });
  });

  describe('insert_time', () => {
    it('is assigned at insert, close to the wall clock, and strictly increases between commits', async () => {
      const { catalog } = env();
      const s = await seedStream(catalog);
      const startedAt = Date.now() * 1000;
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const b = newBlock(s);
        await catalog.insertBlock(b);
        times.push((await catalog.getBlock(b.block_id))!.insert_time);
      }
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
      expect(Number.isSafeInteger(times[0])).toBe(true);
      expect(Math.abs(times[0] - startedAt)).toBeLessThan(60_000_000);
    });

    it('never gives a later commit a time at or below a watermark already returned', async () => {
      const { catalog } = env();
      const s = await seedStream(catalog);
      for (let i = 0; i < 5; i++) {
        const w = await catalog.insertTimeWatermark();
        const b = newBlock(s);
        await catalog.insertBlock(b);
        expect((await catalog.getBlock(b.block_id))!.insert_time).toBeGreaterThan(w);
      }
    });

    it('reports the latest commit as the committed insert time, without moving the clock', async () => {
      const { catalog } = env();
      const s = await seedStream(catalog);
      const b = newBlock(s);
      await catalog.insertBlock(b);
      const committed = await catalog.committedInsertTime();
      expect(committed).toBe((await catalog.getBlock(b.block_id))!.insert_time);
      expect(await catalog.committedInsertTime()).toBe(committed);
      const w = await catalog.insertTimeWatermark();
      expect(await catalog.committedInsertTime()).toBe(w);
    });

    it.each(['insertTimeWatermark', 'committedInsertTime'] as const)('keeps ranges up to %s() complete while other catalogs insert concurrently', async (how) => {
      const { catalog, open } = env();
      const s = await seedStream(catalog);
      const writers = await Promise.all([open(), open(), open()]);
      let writing = true;
      const writes = writers.map(async (w) => {
        while (writing) await Promise.all(Array.from({ length: 4 }, () => w.insertBlock(newBlock(s))));
      });
      const snapshots: { w: number; ids: string[] }[] = [];
      for (let i = 0; i < 60; i++) {
        const w = await catalog[how]();
        const rows = await catalog.listBlocks({ streamId: s.stream_id, insertTimeEnd: w + 1 });
        snapshots.push({ w, ids: rows.map((r) => r.block_id) });
      }
      writing = false;
      await Promise.all(writes);
      const all = await catalog.listBlocks({ streamId: s.stream_id });
      expect(all.length).toBeGreaterThan(snapshots[0].ids.length);
      for (const { w, ids } of snapshots) {
        expect(all.filter((r) => r.insert_time <= w).map((r) => r.block_id)).toEqual(ids);
      }
    });
  });
}
