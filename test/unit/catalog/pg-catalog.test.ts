import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig } from '../../../src/config/config.js';
import { openCatalog, parsePgCatalogUrl, PgCatalog, type Catalog } from '../../../src/datalake/catalog/index.js';
import { createTestSchema, TEST_PG_URL, type TestSchema } from '../../helpers/pg.js';
import { catalogContract, expectCatalogError } from './catalog-contract.js';
import { newBlock, seedStream } from './rows-fixtures.js';

catalogContract('PostgreSQL', async () => {
  const schema = await createTestSchema();
  return { open: () => openCatalog(defaultConfig({ catalogUrl: schema.url })), cleanup: () => schema.drop() };
});

describe('PgCatalog', () => {
  let schema: TestSchema;
  let catalog: Catalog;
  beforeAll(async () => {
    schema = await createTestSchema();
    catalog = await openCatalog(defaultConfig({ catalogUrl: schema.url }));
    await catalog.migrate();
  });
  afterAll(async () => {
    await catalog?.close();
    await schema?.drop();
  });

  it('creates its tables in the schema named by the URL and nowhere else', async () => {
    const { rows } = await schema.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema.schema]);
    expect(rows.map((r) => r.table_name)).toEqual(['blocks', 'custom_views', 'insert_clock', 'kept_processes', 'partition_builds', 'partitions', 'pending_object_deletes', 'processes', 'retention_policies', 'retention_runs', 'sirius_migrations', 'streams']);
    const elsewhere = await schema.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'insert_clock'`);
    expect(elsewhere.rows[0].n).toBe(0);
  });

  it('keys blocks by block_id and indexes process, stream, insert time and time range', async () => {
    const { rows } = await schema.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'blocks' ORDER BY indexname`, [schema.schema]);
    const defs = rows.map((r) => String(r.indexdef).replace(/^.* USING btree /, ''));
    expect(defs).toEqual(expect.arrayContaining(['(block_id)', '(process_id)', '(stream_id)', '(insert_time)', '(begin_time, end_time)', '(process_id, insert_time)', '(stream_id, insert_time)']));
    const pk = await schema.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary`, [`"${schema.schema}".blocks`]);
    expect(pk.rows.map((r) => r.attname)).toEqual(['block_id']);
  });

  it('records numbered migrations and stores times as exact timestamptz', async () => {
    const m = await schema.query(`SELECT version, name FROM "${schema.schema}".sirius_migrations ORDER BY version`);
    expect(m.rows).toEqual([
      { version: 1, name: 'datalake index' },
      { version: 2, name: 'lakehouse partitions' },
      { version: 3, name: 'lakehouse planning indexes' },
      { version: 4, name: 'retention and tail sampling' },
      { version: 5, name: 'partition build log' },
      { version: 6, name: 'custom views' },
    ]);
    const s = await seedStream(catalog);
    const b = newBlock(s, { begin_time: 1_700_000_000_123_457, end_time: 1_700_000_000_123_458 });
    await catalog.insertBlock(b);
    const raw = await schema.query(`SELECT begin_time = '2023-11-14 22:13:20.123457+00'::timestamptz AS exact, pg_typeof(begin_time)::text AS type FROM "${schema.schema}".blocks WHERE block_id = $1`, [b.block_id]);
    expect(raw.rows[0]).toEqual({ exact: true, type: 'timestamp with time zone' });
  });

  it('refuses a schema migrated by a newer Sirius', async () => {
    const own = await createTestSchema();
    const c = await openCatalog(defaultConfig({ catalogUrl: own.url }));
    try {
      await c.migrate();
      await own.query(`INSERT INTO "${own.schema}".sirius_migrations (version, name) VALUES (7, 'future')`);
      await expectCatalogError(c.migrate(), 'SCHEMA', /schema version 7, newer than this Sirius knows/);
    } finally {
      await c.close();
      await own.drop();
    }
  });

  it('reports an unreachable server as UNAVAILABLE (retryable)', async () => {
    const c = await openCatalog(defaultConfig({ catalogUrl: 'postgres://postgres:secret@127.0.0.1:1/test?schema=x' }));
    try {
      const err = await expectCatalogError(c.health(), 'UNAVAILABLE', /ECONNREFUSED/);
      expect(err.retryable).toBe(true);
      expect(err.message).not.toContain('secret');
      await expectCatalogError(c.insertBlock(newBlock({ stream_id: crypto.randomUUID(), process_id: crypto.randomUUID() })), 'UNAVAILABLE');
    } finally {
      await c.close();
    }
  });
});

describe('parsePgCatalogUrl', () => {
  it('takes the schema out of the URL and keeps the other parameters', () => {
    const t = parsePgCatalogUrl('postgresql://u:pw@db:5433/lake?schema=Sirius_1&sslmode=disable');
    expect(t.schema).toBe('Sirius_1');
    expect(t.connectionString).toBe('postgresql://u:pw@db:5433/lake?sslmode=disable');
    expect(t.display).toBe('postgresql://u:***@db:5433/lake?sslmode=disable&schema=Sirius_1');
    expect(new PgCatalog(t).describe()).not.toContain('pw');
  });

  it("defaults to the 'public' schema", () => {
    expect(parsePgCatalogUrl(TEST_PG_URL).schema).toBe('public');
  });

  it.each(['postgres://h/db?schema=a-b', 'postgres://h/db?schema=a%22b', `postgres://h/db?schema=${'x'.repeat(64)}`, 'http://h/db', 'not a url'])('rejects %s', (url) => {
    expect(() => parsePgCatalogUrl(url)).toThrow(ConfigError);
  });
});
