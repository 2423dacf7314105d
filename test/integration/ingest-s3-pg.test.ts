import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readBlockMeta } from '../../src/datalake/block/index.js';
import { blobKey, openObjectStore, type ObjectStore } from '../../src/datalake/objectstore/index.js';
import { defaultConfig } from '../../src/config/config.js';
import { createTestSchema, type TestSchema } from '../helpers/pg.js';
import { spawnSirius } from '../helpers/process.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { logBlock, post, registerLogStream, request } from '../unit/ingest/helpers.js';

/**
 * The scale-out configuration: PostgreSQL 15 on 127.0.0.1:5432 as the catalog
 * and a real S3-compatible server (s3rver) as the object store.
 */
let s3: S3rverHandle;
let schema: TestSchema;
let server: TestServer;
let objects: ObjectStore;

beforeAll(async () => {
  s3 = await startS3rver();
  schema = await createTestSchema('sirius_ingest');
  // The service reads S3 credentials the standard way, from AWS_* variables.
  for (const [k, v] of Object.entries(s3.env)) vi.stubEnv(k, v);
  server = await startTestServer({ catalogUrl: schema.url, ...s3.config('lake') });
  objects = openObjectStore(defaultConfig({ ...s3.config('lake') }), { s3Credentials: s3.credentials });
});
afterAll(async () => {
  await server?.close();
  await objects?.close();
  await schema?.drop();
  await s3?.stop();
  vi.unstubAllEnvs();
});

const blockRows = async (blockId: string): Promise<unknown[]> =>
  (await schema.query(`SELECT block_id::text, payload_size FROM "${schema.schema}".blocks WHERE block_id = $1`, [blockId])).rows;

describe('ingestion into a PostgreSQL catalog and an S3 object store', () => {
  it('reports both in /ready', async () => {
    const r = await request(server.ingestUrl, '/ready');
    expect(r.status, r.text).toBe(200);
    expect(r.json.catalog).toContain(schema.schema);
    expect(r.json.objectStore).toBe(`s3://${s3.bucket}/lake at ${s3.endpoint}`);
  });

  it('stores the block bytes in the bucket and its row in PostgreSQL; a retry is a duplicate', async () => {
    const { processId, streamId } = await registerLogStream(server.ingestUrl);
    const bytes = logBlock(processId, streamId, 12);
    const { blockId } = readBlockMeta(bytes);
    expect((await post(server.ingestUrl, '/ingestion/insert_block', bytes)).json).toEqual({ status: 'inserted' });
    expect((await post(server.ingestUrl, '/ingestion/insert_block', bytes)).json).toEqual({ status: 'duplicate' });
    expect(await blockRows(blockId)).toEqual([{ block_id: blockId, payload_size: String(bytes.length) }]);
    expect((await objects.get(blobKey(processId, streamId, blockId))).equals(bytes)).toBe(true);
    const streams = await schema.query(`SELECT process_id::text, tags FROM "${schema.schema}".streams WHERE stream_id = $1`, [streamId]);
    expect(streams.rows).toEqual([{ process_id: processId, tags: ['log'] }]);
  });

  it('runs as `sirius ingest` configured from SIRIUS_* and AWS_* variables', async () => {
    const proc = await spawnSirius(
      [],
      { ...s3.env, SIRIUS_CATALOG_URL: schema.url, SIRIUS_OBJECT_STORE: `s3://${s3.bucket}/lake`, SIRIUS_S3_ENDPOINT: s3.endpoint, SIRIUS_S3_FORCE_PATH_STYLE: 'true' },
      undefined,
      'ingest',
    );
    try {
      expect(proc.pgPort).toBe(0);
      const { processId, streamId } = await registerLogStream(proc.ingestUrl);
      const bytes = logBlock(processId, streamId, 3);
      const { blockId } = readBlockMeta(bytes);
      expect((await post(proc.ingestUrl, '/ingestion/insert_block', bytes)).json).toEqual({ status: 'inserted' });
      expect(await blockRows(blockId)).toHaveLength(1);
      expect((await objects.get(blobKey(processId, streamId, blockId))).equals(bytes)).toBe(true);
    } finally {
      await proc.stop();
    }
  });

  // Last: it stops the S3 server.
  it('answers 503 (retry) when the object store is down, and writes no catalog row', async () => {
    const { processId, streamId } = await registerLogStream(server.ingestUrl);
    const bytes = logBlock(processId, streamId, 4);
    const { blockId } = readBlockMeta(bytes);
    await s3.stop();
    const r = await post(server.ingestUrl, '/ingestion/insert_block', bytes);
    expect(r.status, r.text).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json.error).toMatch(new RegExp(`^object store: s3://${s3.bucket}/lake at ${s3.endpoint}: put 'blobs/${processId}/${streamId}/${blockId}' failed: .*ECONNREFUSED`));
    expect(await blockRows(blockId)).toEqual([]);
    const ready = await request(server.ingestUrl, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.error).toMatch(/^object store s3:\/\/.* is not reachable: /);
    expect(ready.json.error).not.toMatch(/catalog/);
  });
});
