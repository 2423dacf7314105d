import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { openCatalog, PgCatalog, type Catalog } from '../../src/datalake/catalog/index.js';
import { PgBlockLocks } from '../../src/ingest/block-locks.js';
import { silentLogger } from '../../src/log/log.js';
import { createTestSchema, type TestSchema } from '../helpers/pg.js';

/** The per-block-id lock of ingest nodes on a PostgreSQL catalog (two nodes = two PgBlockLocks on one schema). */
let schema: TestSchema;
let catalogs: Catalog[] = [];

beforeAll(async () => {
  schema = await createTestSchema('sirius_locks');
  catalogs = await Promise.all([0, 1].map(() => openCatalog(defaultConfig({ catalogUrl: schema.url }))));
  await catalogs[0].migrate();
});
afterAll(async () => {
  for (const c of catalogs) await c.close();
  await schema?.drop();
});

const locksOf = (c: Catalog): PgBlockLocks => new PgBlockLocks(c as PgCatalog, silentLogger());

describe('PgBlockLocks', () => {
  it('runs one node at a time per block id, and different ids at once', async () => {
    const [a, b] = catalogs.map(locksOf);
    try {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const first = a.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0001', async () => {
        order.push('a start');
        await held;
        order.push('a end');
      });
      await new Promise((r) => setTimeout(r, 100));
      const second = b.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0001', async () => void order.push('b'));
      // Another id is not held up by the first.
      await b.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0002', async () => void order.push('other id'));
      await new Promise((r) => setTimeout(r, 100));
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['a start', 'other id', 'a end', 'b']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('releases the lock when the function fails, and refuses new work once closed', async () => {
    const [a, b] = catalogs.map(locksOf);
    try {
      await expect(a.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0003', async () => Promise.reject(new Error('put failed')))).rejects.toThrow('put failed');
      expect(await b.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0003', async () => 'taken')).toBe('taken');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect(a.run('4a6f2b35-5d4b-4c47-9d7e-0d0f7b5b0004', async () => 'x')).rejects.toThrow(/closing/);
  });
});
