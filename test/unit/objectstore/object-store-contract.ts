import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, ObjectStoreError, type ObjectStore } from '../../../src/datalake/objectstore/index.js';

export interface ContractOptions {
  /** More than one listing page on S3 (1000 keys a page). */
  manyKeys: number;
  /**
   * Whether the backend itself replaces objects atomically. AWS S3 does; s3rver
   * does not (lib/stores/filesystem.js putObject writes into the object file in
   * place), so against s3rver only the store's own side of the contract is checked.
   */
  atomicOverwrite: boolean;
}

export async function collect(iter: AsyncIterable<{ key: string; size: number }>): Promise<{ key: string; size: number }[]> {
  const out: { key: string; size: number }[] = [];
  for await (const item of iter) out.push(item);
  return out;
}

/** Sorted: the order of a listing is not part of the contract. */
async function collectKeys(iter: AsyncIterable<{ key: string; size: number }>): Promise<string[]> {
  return (await collect(iter)).map((o) => o.key).sort();
}

const filled = (size: number, byte: number): Buffer => Buffer.alloc(size, byte);

/** Behaviour every ObjectStore must have; `open` gives a fresh, empty store. */
export function objectStoreContract(name: string, open: () => Promise<ObjectStore>, options: ContractOptions): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    const scratch = mkdtempSync(join(tmpdir(), 'sirius-objcontract-'));
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('returns the bytes it stored, binary and empty objects included', async () => {
      const body = Uint8Array.from([0, 1, 2, 255, 0, 10, 13]);
      await store.put('rt/binary', body);
      await store.put('rt/empty', new Uint8Array(0));
      expect([...(await store.get('rt/binary'))]).toEqual([...body]);
      expect((await store.get('rt/empty')).length).toBe(0);
      expect(await store.exists('rt/binary')).toBe(true);
      expect(await store.exists('rt/empty')).toBe(true);
    });

    it('overwrites an existing key', async () => {
      await store.put('ow/k', Buffer.from('first version, longer'));
      await store.put('ow/k', Buffer.from('second'));
      expect((await store.get('ow/k')).toString()).toBe('second');
    });

    it('reports a missing key as ObjectNotFoundError, and exists() as false', async () => {
      const err = await store.get('missing/nothing').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectNotFoundError);
      expect((err as ObjectNotFoundError).code).toBe('NOT_FOUND');
      expect((err as ObjectNotFoundError).key).toBe('missing/nothing');
      expect(await store.exists('missing/nothing')).toBe(false);
      // a prefix of existing keys is not an object either
      await store.put('missing/dir/child', Buffer.from('x'));
      expect(await store.exists('missing/dir')).toBe(false);
      await expect(store.get('missing/dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('deletes, and deleting a missing key succeeds', async () => {
      await store.put('del/k', Buffer.from('x'));
      await store.delete('del/k');
      expect(await store.exists('del/k')).toBe(false);
      await expect(store.get('del/k')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.delete('del/k')).resolves.toBeUndefined();
      expect(await collect(store.list('del/'))).toEqual([]);
    });

    it.each(['', '/abs', '../up', 'a/../b', 'a//b', 'a/', './a', 'a b', 'a~tmp', 'a\\b', 'é', 'x'.repeat(1025)].map((k) => [k.slice(0, 20), k]))(
      'rejects the bad key %j on every method and writes nothing',
      async (_label, key) => {
        const before = (await collect(store.list(''))).length;
        for (const call of [() => store.put(key, Buffer.from('x')), () => store.get(key), () => store.exists(key), () => store.delete(key), () => store.getToFile(key, join(scratch, 'bad'))]) {
          const err = await call().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(InvalidKeyError);
          expect((err as ObjectStoreError).code).toBe('INVALID_KEY');
        }
        await expect(collect(store.list('../'))).rejects.toBeInstanceOf(InvalidKeyError);
        expect((await collect(store.list(''))).length).toBe(before);
      },
    );

    it('lists by plain string prefix, with sizes', async () => {
      const keys = ['ls/a/x/1', 'ls/a/y', 'ls/a-z', 'ls/ab', 'ls/a0', 'ls/b'];
      for (const [i, k] of keys.entries()) await store.put(k, filled(i + 1, 7));
      const all = await collectKeys(store.list('ls/'));
      expect(all).toEqual([...keys].sort());
      expect((await collect(store.list('ls/ab'))).map((o) => o.size)).toEqual([4]);
      expect(await collectKeys(store.list('ls/a/'))).toEqual(['ls/a/x/1', 'ls/a/y']);
      expect(await collectKeys(store.list('ls/a'))).toEqual(['ls/a-z', 'ls/a/x/1', 'ls/a/y', 'ls/a0', 'ls/ab']);
      expect(await collect(store.list('ls/nothing/'))).toEqual([]);
      expect(await collectKeys(store.list(''))).toEqual(expect.arrayContaining(keys));
    });

    it(`lists ${options.manyKeys} keys completely (more than one S3 page)`, async () => {
      const keys = Array.from({ length: options.manyKeys }, (_, i) => `many/k${String(i).padStart(5, '0')}`);
      for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => store.put(k, Buffer.from(k))));
      const listed = await collect(store.list('many/'));
      expect(listed.map((o) => o.key).sort()).toEqual(keys);
      expect(listed.every((o) => o.size === o.key.length)).toBe(true);
    });

    it('copies an object to a local file atomically, creating the directory', async () => {
      await store.put('gf/obj', filled(300_000, 42));
      const dest = join(scratch, 'cache', 'deep', 'obj.parquet');
      expect(await store.getToFile('gf/obj', dest)).toBe(300_000);
      expect(readFileSync(dest).equals(filled(300_000, 42))).toBe(true);
      expect(readdirSync(join(scratch, 'cache', 'deep'))).toEqual(['obj.parquet']);
    });

    it('getToFile of a missing key is ObjectNotFoundError and leaves no file', async () => {
      const dest = join(scratch, 'missing-dest', 'f');
      await expect(store.getToFile('gf/none', dest)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(existsSync(dest)).toBe(false);
      expect(existsSync(join(scratch, 'missing-dest')) ? readdirSync(join(scratch, 'missing-dest')) : []).toEqual([]);
    });

    it('accepts concurrent puts of the same key and keeps one whole body', async () => {
      const bodies = Array.from({ length: 12 }, (_, i) => filled(200_000 + i, i + 1));
      await Promise.all(bodies.map((b) => store.put('cc/same', b)));
      expect(await collectKeys(store.list('cc/'))).toEqual(['cc/same']);
      if (!options.atomicOverwrite) return;
      const got = await store.get('cc/same');
      expect(bodies.some((b) => b.equals(got))).toBe(true);
    });

    it.skipIf(!options.atomicOverwrite)('never shows a reader a partial object while it is being overwritten', async () => {
      const a = filled(1 << 20, 0xaa);
      const b = filled(1 << 20, 0xbb);
      await store.put('atomic/k', a);
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 20; i++) await store.put('atomic/k', i % 2 ? a : b);
        writing = false;
      })();
      let reads = 0;
      while (writing) {
        const got = await store.get('atomic/k');
        expect(got.equals(a) || got.equals(b)).toBe(true);
        reads++;
      }
      await writer;
      expect(reads).toBeGreaterThan(0);
    });

    it('is healthy and describes itself', async () => {
      await expect(store.health()).resolves.toBeUndefined();
      expect(store.describe()).not.toBe('');
    });
  });
}
