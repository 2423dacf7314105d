import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { decodeBlock, readBlockMeta } from '../../src/datalake/block/index.js';
import { SqliteCatalog, EMBEDDED_CATALOG_FILE, type StreamRow } from '../../src/datalake/catalog/index.js';
import { blobKey, DiskObjectStore } from '../../src/datalake/objectstore/index.js';
import { spawnSirius, type SiriusProcess } from '../helpers/process.js';
import { logBlock, processBody, streamBody, streamMeta } from '../unit/ingest/helpers.js';

/**
 * Durability of acknowledged blocks: `sirius serve` runs as its own process
 * and is killed with SIGKILL at random points of a 10,000-block ingest from 8
 * concurrent senders, then restarted on the same data directory. After each
 * restart every block acknowledged before the kill must have its catalog row
 * and an object with exactly the bytes sent; at the end all 10,000 blocks are
 * there once. Senders retry (same bytes) on connection errors and 5xx, as the SDK does.
 */
const SENDERS = 8;
const BLOCKS_PER_SENDER = 1250;
const EVENTS_PER_BLOCK = 8;
const ROUNDS = 4;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

/** mulberry32: reproducible kill points (CRASH_SEED=… reruns a failure). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sender {
  processId: string;
  streamId: string;
  blocks: Buffer[];
}

const target = { url: '' };
const acked = new Map<string, Buffer>();
const rejections: string[] = [];
let proc: SiriusProcess | undefined;
afterAll(async () => proc?.kill());

function postOnce(path: string, body: Buffer | string, contentType: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(`${target.url}${path}`, { method: 'POST', agent: false, timeout: 10_000, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0)); // refused or reset by the kill: no answer
    req.end(body);
  });
}

/** Until the server says 2xx; a 4xx is a bug in the service (or the test) and stops the sender. */
async function deliver(path: string, body: Buffer | string, contentType: string): Promise<boolean> {
  for (;;) {
    const status = await postOnce(path, body, contentType);
    if (status >= 200 && status < 300) return true;
    if (status >= 400 && status < 500) {
      rejections.push(`${path} → ${status}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runSender(s: Sender): Promise<void> {
  const p = processBody({ process_id: s.processId });
  if (!(await deliver('/ingestion/insert_process', JSON.stringify(p), 'application/json'))) return;
  if (!(await deliver('/ingestion/insert_stream', JSON.stringify(streamBody(s.processId, { stream_id: s.streamId })), 'application/json'))) return;
  for (const block of s.blocks) {
    if (!(await deliver('/ingestion/insert_block', block, 'application/octet-stream'))) return;
    acked.set(readBlockMeta(block).blockId, block);
  }
}

/** Every block in `expected` has its row, and its object holds the bytes sent and decodes. */
async function verify(dataDir: string, expected: Map<string, Buffer>, streams: Map<string, StreamRow>): Promise<void> {
  const catalog = new SqliteCatalog(join(dataDir, EMBEDDED_CATALOG_FILE));
  const store = new DiskObjectStore(join(dataDir, 'objects'));
  try {
    for (const [blockId, bytes] of expected) {
      const row = await catalog.getBlock(blockId);
      expect(row, `catalog row of acknowledged block ${blockId}`).toBeDefined();
      const stored = await store.get(blobKey(row!.process_id, row!.stream_id, blockId));
      expect(stored.equals(bytes), `object of block ${blockId} holds the bytes sent`).toBe(true);
      let stream = streams.get(row!.stream_id);
      if (!stream) streams.set(row!.stream_id, (stream = (await catalog.getStream(row!.stream_id))!));
      expect(decodeBlock(stored, streamMeta(stream)).logs!.count).toBe(EVENTS_PER_BLOCK);
    }
  } finally {
    await catalog.close();
  }
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

it(`keeps every acknowledged block across ${ROUNDS} SIGKILLs during a ${SENDERS * BLOCKS_PER_SENDER}-block ingest (CRASH_SEED=${SEED})`, async () => {
  const random = prng(SEED);
  const senders: Sender[] = Array.from({ length: SENDERS }, () => {
    const processId = randomUUID();
    const streamId = randomUUID();
    const blocks = Array.from({ length: BLOCKS_PER_SENDER }, (_, i) => logBlock(processId, streamId, EVENTS_PER_BLOCK, i * EVENTS_PER_BLOCK));
    return { processId, streamId, blocks };
  });
  const total = SENDERS * BLOCKS_PER_SENDER;
  proc = await spawnSirius();
  const dataDir = proc.dataDir;
  target.url = proc.ingestUrl;
  const sending = Promise.all(senders.map(runSender));
  let finished = false;
  void sending.finally(() => (finished = true));
  const streams = new Map<string, StreamRow>();

  for (let round = 0; round < ROUNDS; round++) {
    // A random point in this round's share of the ingest, then a random few ms more: mid-request, mid-commit, mid-fsync.
    const killAt = Math.floor(((round + random()) / (ROUNDS + 1)) * total);
    await waitFor(() => acked.size >= killAt || finished);
    await new Promise((r) => setTimeout(r, random() * 20));
    await proc.kill();
    const before = new Map(acked);
    proc = await spawnSirius([], {}, dataDir);
    target.url = proc.ingestUrl;
    await verify(dataDir, before, streams);
  }

  await sending;
  expect(rejections).toEqual([]);
  expect(acked.size).toBe(total);
  await verify(dataDir, acked, streams);
  // No duplicates: one row per block, and per stream the object offsets are exactly 0, 8, 16, …
  const catalog = new SqliteCatalog(join(dataDir, EMBEDDED_CATALOG_FILE));
  try {
    const rows = await catalog.listBlocks();
    expect(rows).toHaveLength(total);
    for (const s of senders) {
      const offsets = rows.filter((r) => r.stream_id === s.streamId).map((r) => r.object_offset).sort((a, b) => a - b);
      expect(offsets).toEqual(Array.from({ length: BLOCKS_PER_SENDER }, (_, i) => i * EVENTS_PER_BLOCK));
    }
  } finally {
    await catalog.close();
  }
  const keys: string[] = [];
  for await (const o of new DiskObjectStore(join(dataDir, 'objects')).list('blobs/')) keys.push(o.key);
  expect(keys).toHaveLength(total);
}, 120_000);
