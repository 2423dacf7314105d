import { workerData, type MessagePort } from 'node:worker_threads';
import { BlockWriter, encodeBlock } from '../datalake/block/index.js';
import type { EncodeReply, EncodeRequest } from './encoder.js';
import { unpackBlock } from './raw-block.js';

/**
 * The encode worker (one per thread that records, shared by its Telemetry
 * instances): rebuilds each block the recorder handed over, encodes and
 * compresses it, and sends the bytes back, transferred. Requests are handled
 * in arrival order, so each stream's blocks come back in order.
 */

const writers = new Map<number, BlockWriter>();

function encode(m: EncodeRequest): Uint8Array {
  let w = writers.get(m.raw.capacity);
  if (w === undefined) writers.set(m.raw.capacity, (w = new BlockWriter(m.raw.capacity)));
  try {
    unpackBlock(m.raw, w);
    const bytes = encodeBlock(m.header, w, { level: m.level });
    // Small buffers are slices of Node's shared pool, which cannot be transferred: give those their own memory.
    return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : new Uint8Array(bytes);
  } finally {
    w.reset();
  }
}

const port = (workerData as { port: MessagePort }).port;

port.on('message', (m: EncodeRequest) => {
  const buffer = m.raw.buffer;
  const post = (reply: EncodeReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, [buffer, ...transfer]);
  // Blocks the queue budget dropped while they waited here are skipped (dropped blocks are always the oldest).
  if (Atomics.load(m.droppedUpTo, 0) >= m.seq) return post({ id: m.id, buffer, skipped: true });
  let bytes: Uint8Array;
  try {
    bytes = encode(m);
  } catch (err) {
    return post({ id: m.id, buffer, error: err instanceof Error ? err.message : String(err) });
  }
  post({ id: m.id, buffer, bytes }, [bytes.buffer as ArrayBuffer]);
});
