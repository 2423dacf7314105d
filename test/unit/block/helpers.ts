import { randomUUID } from 'node:crypto';
import { BlockWriter, Codec, encodeBlock, spanDesc, type BlockHeaderInput } from '../../../src/datalake/block/index.js';
import { crc32 } from '../../../src/datalake/block/crc32.js';

export const T0 = 5_000_000_000_000n;
export const TIME0 = 1_700_000_000_000_000; // µs since the epoch at T0

export function header(over: Partial<BlockHeaderInput> = {}): BlockHeaderInput {
  return {
    blockId: randomUUID(),
    streamId: randomUUID(),
    processId: randomUUID(),
    objectOffset: 0,
    tscFrequency: 1e9,
    clock: { ticks: T0, timeUs: TIME0 },
    ...over,
  };
}

/** One event of every kind, formatted logs with every argument type included. */
export function sampleWriter(): BlockWriter {
  const w = new BlockWriter(64);
  w.logs.add(T0 + 1000n, 4, 'http', 'request completed');
  w.logs.add(T0 + 2500n, 2, 'db', 'query failed', '{"table":"users"}');
  w.logs.addFormatted(T0 + 4000n, 3, 'http', 'user {} took {} ms, ratio {}', ['alice', 42, 0.25]);
  w.logs.add(T0 + 5000n, 4, 'http', 'request completed');
  w.metrics.add(T0 + 1200n, 'sys', 'cpu_usage', 'percent', 12.5);
  w.metrics.add(T0 + 1300n, 'sys', 'queue_depth', 'count', -3, '{"queue":"a"}');
  const work = spanDesc('work', 'app', 'src/app.ts', 12);
  const io = spanDesc('io', 'app', 'src/io.ts', 99);
  w.threadSpans.add(T0 + 1000n, 0, work);
  w.threadSpans.add(T0 + 1100n, 0, io);
  w.threadSpans.add(T0 + 1900n, 1, io);
  w.threadSpans.add(T0 + 2000n, 1, work);
  w.asyncSpans.add(T0 + 3000n, 0, 7, 0, 0, work);
  w.asyncSpans.add(T0 + 3100n, 0, 8, 7, 1, io);
  w.asyncSpans.add(T0 + 3900n, 1, 8, 7, 1, io);
  w.asyncSpans.add(T0 + 4000n, 1, 7, 0, 0, work);
  return w;
}

export function sampleBlock(codec = Codec.DeflateRaw): Buffer {
  return encodeBlock(header(), sampleWriter(), { codec });
}

/** Recomputes the trailing checksum after a deliberate change. */
export function reseal(block: Buffer): Buffer {
  const out = Buffer.from(block);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

/** An uncompressed block around `payload`, with consistent sizes and checksum (to reach the payload parser). */
export function withPayload(payload: Uint8Array, nbObjects: number): Buffer {
  const base = encodeBlock(header(), new BlockWriter(1), { codec: Codec.None });
  const out = Buffer.alloc(120 + payload.length + 4);
  base.copy(out, 0, 0, 120);
  out.set(payload, 120);
  out.writeUInt32LE(out.length, 8);
  out.writeUInt32LE(nbObjects, 108);
  out.writeUInt32LE(payload.length, 112);
  out.writeUInt32LE(payload.length, 116);
  return reseal(out);
}
