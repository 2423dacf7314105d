import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, readBlockMeta } from '../../src/datalake/block/index.js';
import { reseal } from '../unit/block/helpers.js';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import { logBlock, post, processBody, registerLogStream, request, START_TICKS, START_US, streamBody, streamMeta } from '../unit/ingest/helpers.js';

/** The ingestion service of a real `sirius serve` (embedded default: SQLite catalog, disk objects). */
let server: TestServer;
let url: string;
const MAX_BYTES = 64 * 1024;

beforeAll(async () => {
  server = await startTestServer({ maxBlockBytes: MAX_BYTES });
  url = server.ingestUrl;
});
afterAll(async () => server?.close());

const catalog = () => server.sirius.ingest.catalog;
const store = () => server.sirius.ingest.objectStore;

async function storedObjects(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store().list('blobs/')) keys.push(o.key);
  return keys;
}

describe('health and readiness', () => {
  it('GET /health answers 200 while the process is alive', async () => {
    const r = await request(url, '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('GET /ready answers 200 and names the catalog and object store it checked', async () => {
    const r = await request(url, '/ready');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ready', catalog: catalog().describe(), objectStore: store().describe() });
    expect(r.json.catalog).toMatch(/^sqlite:.*catalog\.sqlite$/);
    expect(r.json.objectStore).toMatch(/^disk:.*objects$/);
  });
});

describe('insert_process and insert_stream', () => {
  it('stores a process exactly as sent, ticks beyond 2^53 included, and answers duplicate on a retry', async () => {
    const body = processBody();
    const first = await post(url, '/ingestion/insert_process', JSON.stringify(body));
    expect(first.status, first.text).toBe(200);
    expect(first.json).toEqual({ status: 'inserted' });
    const again = await post(url, '/ingestion/insert_process', JSON.stringify(body));
    expect(again.json).toEqual({ status: 'duplicate' });
    const row = await catalog().getProcess(body.process_id as string);
    expect(row).toMatchObject({ exe: body.exe, computer: 'web-1', tsc_frequency: 1e9, start_time: START_US, start_ticks: START_TICKS, parent_process_id: null });
    expect(row!.properties).toEqual(body.properties);
  });

  it('stores a stream with its metadata and tags', async () => {
    const p = processBody();
    await post(url, '/ingestion/insert_process', JSON.stringify(p));
    const s = streamBody(p.process_id as string, { tags: ['cpu'], properties: { thread_name: 'main', thread_id: '0' } });
    const r = await post(url, '/ingestion/insert_stream', JSON.stringify(s), { contentType: 'application/json; charset=utf-8' });
    expect(r.json).toEqual({ status: 'inserted' });
    expect((await post(url, '/ingestion/insert_stream', JSON.stringify(s))).json).toEqual({ status: 'duplicate' });
    const row = await catalog().getStream(s.stream_id as string);
    expect(row).toMatchObject({ process_id: p.process_id, tags: ['cpu'], properties: { thread_name: 'main', thread_id: '0' } });
    expect(row!.objects_metadata).toEqual(s.objects_metadata);
    expect(row!.dependencies_metadata).toEqual(s.dependencies_metadata);
  });
});

describe('insert_block', () => {
  it('stores the bytes untouched at blobs/{process}/{stream}/{block} and the header as the catalog row', async () => {
    const { processId, streamId } = await registerLogStream(url);
    const bytes = logBlock(processId, streamId, 5, 10);
    const meta = readBlockMeta(bytes);
    const r = await post(url, '/ingestion/insert_block', bytes);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ status: 'inserted' });
    const stored = await store().get(blobKey(processId, streamId, meta.blockId));
    expect(stored.equals(bytes)).toBe(true);
    const row = await catalog().getBlock(meta.blockId);
    expect(row).toMatchObject({
      stream_id: streamId, process_id: processId, nb_objects: 5, object_offset: 10, payload_size: bytes.length,
      begin_ticks: START_TICKS + 10_000n, end_ticks: START_TICKS + 14_000n, begin_time: START_US + 10, end_time: START_US + 14,
    });
    const decoded = decodeBlock(stored, streamMeta((await catalog().getStream(streamId))!));
    expect(Array.from(decoded.logs!.msg, (id) => decoded.strings[id])).toEqual(['msg 10', 'msg 11', 'msg 12', 'msg 13', 'msg 14']);
  });

  it('answers a retry of the same bytes with 200 duplicate and keeps one row and one object', async () => {
    const { processId, streamId } = await registerLogStream(url);
    const bytes = logBlock(processId, streamId);
    expect((await post(url, '/ingestion/insert_block', bytes)).json).toEqual({ status: 'inserted' });
    expect((await post(url, '/ingestion/insert_block', bytes)).json).toEqual({ status: 'duplicate' });
    expect(await catalog().listBlocks({ streamId })).toHaveLength(1);
    expect((await storedObjects()).filter((k) => k.includes(streamId))).toHaveLength(1);
  });

  it('stores a block once under 20 concurrent posts of it, and all of them succeed', async () => {
    const { processId, streamId } = await registerLogStream(url);
    const bytes = logBlock(processId, streamId, 50);
    const before = server.sirius.ingest.server.stats();
    const replies = await Promise.all(Array.from({ length: 20 }, () => post(url, '/ingestion/insert_block', bytes)));
    const after = server.sirius.ingest.server.stats();
    expect(after.blocksInserted - before.blocksInserted).toBe(1);
    expect(after.blocksDuplicate - before.blocksDuplicate).toBe(19);
    expect(after.blockEvents - before.blockEvents).toBe(50);
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(replies.filter((r) => r.json.status === 'inserted')).toHaveLength(1);
    expect(replies.filter((r) => r.json.status === 'duplicate')).toHaveLength(19);
    expect(await catalog().listBlocks({ streamId })).toHaveLength(1);
    expect((await storedObjects()).filter((k) => k.includes(streamId))).toHaveLength(1);
  });

  it('stores many distinct blocks posted concurrently, each once', async () => {
    const { processId, streamId } = await registerLogStream(url);
    const blocks = Array.from({ length: 40 }, (_, i) => logBlock(processId, streamId, 4, i * 4));
    const replies = await Promise.all(blocks.flatMap((b) => [post(url, '/ingestion/insert_block', b), post(url, '/ingestion/insert_block', b)]));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const rows = await catalog().listBlocks({ streamId });
    expect(rows.map((r) => r.object_offset).sort((a, b) => a - b)).toEqual(blocks.map((_, i) => i * 4));
    for (const b of blocks) {
      const m = readBlockMeta(b);
      expect((await store().get(blobKey(processId, streamId, m.blockId))).equals(b)).toBe(true);
    }
  });
});

describe('bad input: a 4xx with a message saying what is wrong, and nothing stored', () => {
  let ids: { processId: string; streamId: string };
  beforeAll(async () => {
    ids = await registerLogStream(url);
  });

  async function expectRejected(reply: Promise<Awaited<ReturnType<typeof post>>>, status: number, message: RegExp, blockId?: string): Promise<void> {
    const r = await reply;
    expect(r.status, r.text).toBe(status);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.error).toMatch(message);
    if (blockId) {
      expect(await catalog().getBlock(blockId)).toBeUndefined();
      expect((await storedObjects()).some((k) => k.endsWith(blockId))).toBe(false);
    }
    // The service still answers afterwards.
    expect((await request(url, '/health')).status).toBe(200);
  }

  it('malformed JSON, a non-object body, a missing field and a field of the wrong type → 400', async () => {
    await expectRejected(post(url, '/ingestion/insert_process', '{"process_id": '), 400, /^insert_process: malformed JSON body: /);
    await expectRejected(post(url, '/ingestion/insert_stream', '[1, 2]'), 400, /^insert_stream: the body must be a JSON object, got an array$/);
    const { exe: _, ...noExe } = processBody();
    await expectRejected(post(url, '/ingestion/insert_process', JSON.stringify(noExe)), 400, /^insert_process: missing field "exe"$/);
    await expectRejected(post(url, '/ingestion/insert_process', JSON.stringify(processBody({ start_time: '2024-01-01' }))), 400, /field "start_time" must be a JSON number, got string/);
    await expectRejected(post(url, '/ingestion/insert_process', JSON.stringify(processBody({ start_ticks: '12abc' }))), 400, /field "start_ticks" must be a decimal string of a 64-bit integer, got "12abc"/);
    await expectRejected(post(url, '/ingestion/insert_stream', JSON.stringify(streamBody(ids.processId, { tags: 'log' }))), 400, /field "tags" must be a JSON array, got string/);
  });

  it('values the catalog refuses → 400 with the catalog message', async () => {
    const badId = processBody({ process_id: 'NOT-A-UUID' });
    await expectRejected(post(url, '/ingestion/insert_process', JSON.stringify(badId)), 400, /processes\.process_id must be a lowercase canonical uuid, got "NOT-A-UUID"/);
    await expectRejected(post(url, '/ingestion/insert_stream', JSON.stringify(streamBody(ids.processId, { tags: [1] }))), 400, /streams\.tags\[0\] must be a string/);
  });

  it('a stream of an unknown process → 422; a stream id reused by another process → 409', async () => {
    const orphan = streamBody(randomUUID());
    await expectRejected(post(url, '/ingestion/insert_stream', JSON.stringify(orphan)), 422, /process .* is not in the catalog: insert the process first/);
    expect(await catalog().getStream(orphan.stream_id as string)).toBeUndefined();
    const other = processBody();
    await post(url, '/ingestion/insert_process', JSON.stringify(other));
    const stolen = streamBody(other.process_id as string, { stream_id: ids.streamId });
    await expectRejected(post(url, '/ingestion/insert_stream', JSON.stringify(stolen)), 409, new RegExp(`stream ${ids.streamId} already belongs to process ${ids.processId}`));
  });

  it('a block of an unknown stream, or of another process than its stream\'s → 422', async () => {
    const unknown = logBlock(ids.processId, randomUUID());
    const m1 = readBlockMeta(unknown);
    await expectRejected(post(url, '/ingestion/insert_block', unknown), 422, new RegExp(`stream ${m1.streamId}, which is not registered: POST /ingestion/insert_stream first`), m1.blockId);
    const foreign = logBlock(randomUUID(), ids.streamId);
    const m2 = readBlockMeta(foreign);
    await expectRejected(post(url, '/ingestion/insert_block', foreign), 422, new RegExp(`says process ${m2.processId}, but its stream ${ids.streamId} belongs to process ${ids.processId}`), m2.blockId);
  });

  it('a corrupt, truncated, foreign or future-version block → 400 naming the defect', async () => {
    const good = logBlock(ids.processId, ids.streamId, 20);
    const id = readBlockMeta(good).blockId;
    const flipped = Buffer.from(good);
    flipped[130] ^= 0xff;
    await expectRejected(post(url, '/ingestion/insert_block', flipped), 400, /^invalid block: checksum mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/, id);
    await expectRejected(post(url, '/ingestion/insert_block', good.subarray(0, good.length - 10)), 400, /^invalid block: block truncated: header says \d+ bytes, got \d+/, id);
    await expectRejected(post(url, '/ingestion/insert_block', Buffer.from('{"not":"a block"}')), 400, /^invalid block: bad magic 0x7b226e6f/);
    const v2 = Buffer.from(good);
    v2[4] = 2;
    await expectRejected(post(url, '/ingestion/insert_block', reseal(v2)), 400, /^invalid block: unsupported block format version 2/, id);
    await expectRejected(post(url, '/ingestion/insert_block', Buffer.alloc(0)), 400, /^invalid block: block truncated: 0 bytes/);
  });

  it('a block id reused with other bytes → 409, and the stored block is left as it was', async () => {
    const blockId = randomUUID();
    const original = logBlock(ids.processId, ids.streamId, 3, 0, blockId);
    expect((await post(url, '/ingestion/insert_block', original)).status).toBe(200);
    const impostor = logBlock(ids.processId, ids.streamId, 7, 0, blockId);
    const r = await post(url, '/ingestion/insert_block', impostor);
    expect(r.status).toBe(409);
    expect(r.json.error).toBe(`block ${blockId} is already stored with different content: a block id must not be reused`);
    expect((await store().get(blobKey(ids.processId, ids.streamId, blockId))).equals(original)).toBe(true);
    expect((await catalog().getBlock(blockId))!.nb_objects).toBe(3);
  });

  it(`a body over maxBlockBytes (${MAX_BYTES}) → 413, whether its length is declared or chunked`, async () => {
    const big = logBlock(ids.processId, ids.streamId, 1);
    const padded = Buffer.concat([big, Buffer.alloc(MAX_BYTES)]);
    await expectRejected(post(url, '/ingestion/insert_block', padded), 413, new RegExp(`request body of ${padded.length} bytes exceeds the ${MAX_BYTES}-byte limit`));
    await expectRejected(post(url, '/ingestion/insert_block', padded, { chunked: true }), 413, new RegExp(`request body of more than ${MAX_BYTES} bytes exceeds the ${MAX_BYTES}-byte limit`));
    const json = JSON.stringify(processBody({ exe: 'x'.repeat(MAX_BYTES) }));
    await expectRejected(post(url, '/ingestion/insert_process', json), 413, /exceeds the 65536-byte limit/);
  });

  it('a wrong or missing Content-Type → 415 naming the expected one', async () => {
    const block = logBlock(ids.processId, ids.streamId);
    const id = readBlockMeta(block).blockId;
    await expectRejected(post(url, '/ingestion/insert_block', block, { contentType: 'application/json' }), 415, /^\/ingestion\/insert_block takes Content-Type application\/octet-stream, got Content-Type 'application\/json'$/, id);
    await expectRejected(post(url, '/ingestion/insert_block', block, { contentType: null }), 415, /takes Content-Type application\/octet-stream, got no Content-Type$/, id);
    await expectRejected(post(url, '/ingestion/insert_process', JSON.stringify(processBody()), { contentType: 'text/plain' }), 415, /insert_process takes Content-Type application\/json, got Content-Type 'text\/plain'/);
  });

  it('an unknown path → 404; a wrong method → 405 with Allow', async () => {
    await expectRejected(request(url, '/ingestion/insert_blocks', Buffer.from('x')), 404, /^no route \/ingestion\/insert_blocks: POST \/ingestion\/insert_process/);
    const get = await request(url, '/ingestion/insert_block');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json.error).toBe('/ingestion/insert_block takes POST, got GET');
    const postHealth = await request(url, '/health', '{}', { method: 'POST' });
    expect(postHealth.status).toBe(405);
    expect(postHealth.headers.allow).toBe('GET, HEAD');
  });
});
