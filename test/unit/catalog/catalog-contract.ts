import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError, type Catalog } from '../../../src/datalake/catalog/index.js';
import { listingContract } from './catalog-contract-listing.js';
import { partitionsContract } from './catalog-contract-partitions.js';
import { buildLogContract } from './catalog-contract-builds.js';
import { retentionContract } from './catalog-contract-retention.js';
import { newBlock, newProcess, newStream, seedStream } from './rows-fixtures.js';

/** Storage for catalogs: open() gives a new Catalog instance (its own connections) on the same database. */
export interface CatalogTarget {
  open(): Promise<Catalog>;
  cleanup(): Promise<void>;
}

export async function expectCatalogError(promise: Promise<unknown>, code: CatalogError['code'], message?: RegExp): Promise<CatalogError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  expect((err as CatalogError).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
  return err as CatalogError;
}

/** Behaviour every Catalog must have; `createTarget` gives empty, unmigrated storage. */
export function catalogContract(name: string, createTarget: () => Promise<CatalogTarget>): void {
  describe(`Catalog contract: ${name}`, () => {
    const targets: CatalogTarget[] = [];
    const opened: Catalog[] = [];
    const fresh = async (): Promise<CatalogTarget> => {
      const t = await createTarget();
      targets.push(t);
      return t;
    };
    const open = async (t: CatalogTarget): Promise<Catalog> => {
      const c = await t.open();
      opened.push(c);
      return c;
    };
    let catalog: Catalog;
    let shared: CatalogTarget;
    beforeAll(async () => {
      shared = await fresh();
      catalog = await open(shared);
      await catalog.migrate();
    });
    afterAll(async () => {
      for (const c of opened) await c.close();
      for (const t of targets) await t.cleanup();
    });

    describe('migrations', () => {
      it('start at version 0, reach the latest, and a second run changes nothing', async () => {
        const c = await open(await fresh());
        expect(await c.schemaVersion()).toBe(0);
        await expectCatalogError(c.insertProcess(newProcess()), 'SCHEMA', /migrate/);
        await c.migrate();
        expect(await c.schemaVersion()).toBe(6);
        const p = newProcess();
        await c.insertProcess(p);
        await c.migrate();
        expect(await c.schemaVersion()).toBe(6);
        expect((await c.getProcess(p.process_id))?.exe).toBe(p.exe);
      });

      it('can run from several catalogs on the same database at once', async () => {
        const t = await fresh();
        const many = await Promise.all([open(t), open(t), open(t), open(t)]);
        await Promise.all(many.map((c) => c.migrate()));
        for (const c of many) expect(await c.schemaVersion()).toBe(6);
        const s = await seedStream(many[0]);
        expect(await many[3].getStream(s.stream_id)).toBeDefined();
      });
    });

    describe('custom views', () => {
      it('stores definitions by name, refuses a second one of a name, and drops them', async () => {
        const store = catalog.customViews;
        const name = `v_${Math.random().toString(36).slice(2, 10)}`;
        const before = Date.now() * 1000;
        const row = await store.create(name, 'SELECT count(*) FROM log_entries');
        expect(row).toMatchObject({ name, definition: 'SELECT count(*) FROM log_entries' });
        expect(row.created_at).toBeGreaterThanOrEqual(before - 1_000_000);
        await expectCatalogError(store.create(name, 'SELECT 1 FROM log_entries'), 'CONFLICT', /already exists/);
        expect((await store.list()).filter((r) => r.name === name)).toEqual([row]);
        expect(await store.drop(name)).toBe(true);
        expect(await store.drop(name)).toBe(false);
        expect((await store.list()).some((r) => r.name === name)).toBe(false);
      });
    });

    describe('processes and streams', () => {
      it('store every column exactly and ignore a second insert of the same process', async () => {
        const p = newProcess({ parent_process_id: newProcess().process_id });
        expect(await catalog.insertProcess(p)).toBe('inserted');
        expect(await catalog.insertProcess({ ...p, exe: 'changed' })).toBe('duplicate');
        const row = await catalog.getProcess(p.process_id);
        expect(row).toEqual({ ...p, insert_time: expect.any(Number) });
        expect(await catalog.getProcess(newProcess().process_id)).toBeUndefined();
      });

      it('store streams exactly, idempotently, and refuse an unknown process', async () => {
        const p = newProcess();
        const s = newStream(p.process_id, { tags: [], dependencies_metadata: null, objects_metadata: [1, 'two', { three: [3.5] }] });
        await expectCatalogError(catalog.insertStream(s), 'UNKNOWN_PROCESS', new RegExp(`process ${p.process_id}`));
        await catalog.insertProcess(p);
        expect(await catalog.insertStream(s)).toBe('inserted');
        expect(await catalog.insertStream(s)).toBe('duplicate');
        expect(await catalog.getStream(s.stream_id)).toEqual({ ...s, insert_time: expect.any(Number) });
      });

      it('refuse a stream id that belongs to another process', async () => {
        const s = await seedStream(catalog);
        const other = newProcess();
        await catalog.insertProcess(other);
        await expectCatalogError(catalog.insertStream({ ...s, process_id: other.process_id }), 'CONFLICT', /already belongs to process/);
      });
    });

    describe('blocks', () => {
      it('store every column exactly; a retry is a duplicate', async () => {
        const s = await seedStream(catalog);
        const b = newBlock(s);
        expect(await catalog.insertBlock(b)).toBe('inserted');
        expect(await catalog.insertBlock(b)).toBe('duplicate');
        expect(await catalog.getBlock(b.block_id)).toEqual({ ...b, insert_time: expect.any(Number) });
      });

      it('refuse an unknown stream, a process other than the stream’s, and an id taken by another stream', async () => {
        const s = await seedStream(catalog);
        const other = await seedStream(catalog);
        await expectCatalogError(catalog.insertBlock(newBlock({ ...s, stream_id: newProcess().process_id })), 'UNKNOWN_STREAM', /insert the stream first/);
        await expectCatalogError(catalog.insertBlock(newBlock({ ...s, process_id: other.process_id })), 'CONFLICT', /belongs to process/);
        const b = newBlock(s);
        await catalog.insertBlock(b);
        await expectCatalogError(catalog.insertBlock({ ...b, stream_id: other.stream_id, process_id: other.process_id }), 'CONFLICT', /already exists in stream/);
        expect(await catalog.listBlocks({ streamId: other.stream_id })).toEqual([]);
      });

      it('store one row for 20 concurrent inserts of the same block: one inserted, 19 duplicates', async () => {
        const s = await seedStream(catalog);
        const b = newBlock(s);
        const results = await Promise.all(Array.from({ length: 20 }, () => catalog.insertBlock({ ...b })));
        expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
        expect(results.filter((r) => r === 'duplicate')).toHaveLength(19);
        expect(await catalog.listBlocks({ streamId: s.stream_id })).toHaveLength(1);
      });

      it('store one row when 4 catalogs (separate connections) insert the same block 5 times each', async () => {
        const others = await Promise.all([open(shared), open(shared), open(shared), open(shared)]);
        const s = await seedStream(catalog);
        const b = newBlock(s);
        const results = await Promise.all(others.flatMap((c) => Array.from({ length: 5 }, () => c.insertBlock({ ...b }))));
        expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
        expect(results.filter((r) => r === 'duplicate')).toHaveLength(19);
        expect(await catalog.listBlocks({ streamId: s.stream_id })).toHaveLength(1);
      });

      it('fail only the bad callers of a group commit', async () => {
        const s = await seedStream(catalog);
        const good = Array.from({ length: 10 }, () => newBlock(s));
        const unknown = newBlock({ ...s, stream_id: newProcess().process_id });
        const settled = await Promise.allSettled([...good.map((b) => catalog.insertBlock(b)), catalog.insertBlock(unknown)]);
        expect(settled.slice(0, 10).every((r) => r.status === 'fulfilled' && r.value === 'inserted')).toBe(true);
        expect(settled[10]).toMatchObject({ status: 'rejected', reason: { code: 'UNKNOWN_STREAM' } });
      });

      it('insert a batch in one call, each row decided alone, results in input order', async () => {
        const s = await seedStream(catalog);
        const existing = newBlock(s);
        await catalog.insertBlock(existing);
        const a = newBlock(s);
        const rows = [a, existing, newBlock(s, { payload_size: -1 }), { ...a }, newBlock({ ...s, stream_id: newProcess().process_id }), newBlock(s)];
        const results = await catalog.insertBlocks(rows);
        expect(results.map((r) => r.status)).toEqual(['inserted', 'duplicate', 'rejected', 'duplicate', 'rejected', 'inserted']);
        expect(results[2]).toMatchObject({ error: { code: 'INVALID_INPUT' } });
        expect(results[4]).toMatchObject({ error: { code: 'UNKNOWN_STREAM' } });
        const stored = await catalog.listBlocks({ streamId: s.stream_id });
        expect(stored.map((b) => b.block_id).sort()).toEqual([existing.block_id, a.block_id, rows[5].block_id].sort());
        expect(new Set(stored.filter((b) => b.block_id !== existing.block_id).map((b) => b.insert_time)).size).toBe(1);
        expect(await catalog.insertBlocks([])).toEqual([]);
      });

      it('a repeat inside a batch shares the rejection of its first occurrence', async () => {
        const orphan = newBlock({ stream_id: newProcess().process_id, process_id: newProcess().process_id });
        const results = await catalog.insertBlocks([orphan, { ...orphan }]);
        expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      });
    });

    describe('validation', () => {
      it.each([
        ['an uppercase uuid', { block_id: 'A0000000-0000-4000-8000-000000000000' }, /blocks.block_id must be a lowercase canonical uuid/],
        ['a negative size', { payload_size: -1 }, /blocks.payload_size must be an integer between 0 and/],
        ['a fractional time', { begin_time: 1.5 }, /blocks.begin_time must be an integer number of µs/],
        ['ticks as a number', { begin_ticks: 5 as unknown as bigint }, /blocks.begin_ticks must be a 64-bit signed bigint/],
        ['ticks beyond 64 bits', { end_ticks: 2n ** 63n }, /blocks.end_ticks must be a 64-bit signed bigint/],
        ['an end before the begin', { end_time: 1 }, /blocks.end_time must be >= begin_time/],
        ['too many objects for int4', { nb_objects: 2 ** 31 }, /blocks.nb_objects must be an integer between 0 and 2147483647/],
      ])('rejects a block with %s, naming the column', async (_what, over, message) => {
        const s = await seedStream(catalog);
        await expectCatalogError(catalog.insertBlock(newBlock(s, over)), 'INVALID_INPUT', message);
      });

      it('rejects NUL characters and non-string properties in processes and streams', async () => {
        await expectCatalogError(catalog.insertProcess(newProcess({ exe: 'a\u0000b' })), 'INVALID_INPUT', /processes.exe must be a string without NUL/);
        await expectCatalogError(catalog.insertProcess(newProcess({ properties: { n: 1 as unknown as string } })), 'INVALID_INPUT', /processes.properties\["n"\]/);
        await expectCatalogError(catalog.insertStream(newStream(newProcess().process_id, { tags: 'log' as unknown as string[] })), 'INVALID_INPUT', /streams.tags must be an array/);
        await expectCatalogError(catalog.getStream('not-a-uuid'), 'INVALID_INPUT', /streams.stream_id/);
        await expectCatalogError(catalog.listBlocks({ limit: 0 }), 'INVALID_INPUT', /limit must be a positive integer/);
      });
    });

    it('is healthy', async () => {
      await expect(catalog.health()).resolves.toBeUndefined();
      expect(catalog.describe()).not.toBe('');
    });

    listingContract(() => ({ catalog, open: () => open(shared) }));
    partitionsContract(() => ({ catalog, open: () => open(shared) }));
    retentionContract(() => ({ catalog }));
    buildLogContract(() => ({ catalog, open: () => open(shared) }));
  });
}
