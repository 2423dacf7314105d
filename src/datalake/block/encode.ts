import zlib from 'node:zlib';
import { ByteWriter } from './bytes.js';
import { crc32 } from './crc32.js';
import { CHECKSUM_SIZE, Codec, FORMAT_VERSION, H, HEADER_SIZE, MAGIC, MAX_RAW_SIZE } from './format.js';
import { writeSections, type TickRange } from './encode-sections.js';
import type { BlockWriter } from './writer.js';

/** The block metadata the writer does not know: who wrote it and how its ticks map to wall-clock time. */
export interface BlockHeaderInput {
  blockId: string;
  streamId: string;
  processId: string;
  /** Events of this stream written before this block (Micromegas object_offset). */
  objectOffset: number;
  /** Ticks per second (1e9 for the Node SDK: ticks are nanoseconds). */
  tscFrequency: number;
  /** One instant on both clocks, e.g. the process start: ticks and µs since the Unix epoch. */
  clock: { ticks: bigint; timeUs: number };
}

export interface EncodeOptions {
  codec?: Codec;
  /** zlib level 1..9 for DeflateRaw; default 1 (log blocks come out the same size at 6 and 9). */
  level?: number;
}

/**
 * Encodes a block. Compression is synchronous on purpose: measured on Node 20,
 * zlib's async API costs the calling thread ~0.4 ms per call in stream set-up
 * and callbacks, more than deflateRawSync itself (~0.03 ms per 60 KB at level 1).
 */
export function encodeBlock(header: BlockHeaderInput, writer: BlockWriter, options: EncodeOptions = {}): Buffer {
  const { raw, range } = encodePayload(writer, scratchWriter(writer));
  const codec = options.codec ?? Codec.DeflateRaw;
  const stored = codec === Codec.DeflateRaw ? zlib.deflateRawSync(raw, { level: options.level ?? 1 }) : raw;
  return assembleBlock(header, writer.nbObjects, range, codec, raw.length, stored);
}

const initialSize = (writer: BlockWriter): number => 64 * 1024 + writer.strings.chars * 3 + writer.nbObjects * 8;

/** One payload buffer reused by encodeBlock, which copies the payload out before returning. */
let scratch: ByteWriter | null = null;

function scratchWriter(writer: BlockWriter): ByteWriter {
  scratch ??= new ByteWriter(initialSize(writer));
  scratch.pos = 0;
  scratch.ensure(initialSize(writer));
  return scratch;
}

/**
 * The uncompressed payload: string table, span descriptions, one section per
 * event kind. The result is a view into `out` (a fresh buffer by default).
 */
export function encodePayload(writer: BlockWriter, out = new ByteWriter(initialSize(writer))): { raw: Uint8Array; range: TickRange } {
  const argStrIds = internArgStrings(writer);
  const range = tickRange(writer);
  writeStrings(out, writer.strings.items, writer.strings.size);
  out.varuint(writer.descs.length);
  for (const d of writer.descs) {
    out.ensure(40);
    out.varuintUnchecked(writer.strings.intern(d.name));
    out.varuintUnchecked(writer.strings.intern(d.target));
    out.varuintUnchecked(writer.strings.intern(d.file));
    out.varuintUnchecked(d.line);
  }
  writeSections(out, writer, range, argStrIds);
  if (out.pos > MAX_RAW_SIZE) throw new RangeError(`block payload of ${out.pos} bytes exceeds ${MAX_RAW_SIZE}`);
  return { raw: out.view(), range };
}

/** String arguments are interned only now, so recording a formatted log does no hashing. */
function internArgStrings(writer: BlockWriter): Uint32Array {
  const logs = writer.groups().logs;
  const ids = new Uint32Array(logs?.nStrArgs ?? 0);
  for (let i = 0; i < ids.length; i++) ids[i] = writer.strings.intern(logs!.argStr[i]);
  return ids;
}

const utf8 = new TextEncoder();

function writeStrings(out: ByteWriter, items: string[], size: number): void {
  out.varuint(size);
  for (let i = 0; i < size; i++) {
    const s = items[i];
    // The length is patched in place (4-byte padded varuint), so the string is encoded only once.
    out.ensure(4 + s.length * 3);
    const at = out.reserveLen();
    out.pos += utf8.encodeInto(s, out.buf.subarray(out.pos)).written;
    out.patchLen(at);
  }
}

/**
 * The smallest and largest event ticks, as exact doubles relative to a base
 * read once as a bigint: ticks are stored as bigints but compared through
 * their 32-bit halves, which costs no BigInt arithmetic per event.
 */
function tickRange(writer: BlockWriter): TickRange {
  const g = writer.groups();
  const cols = [g.logs, g.metrics, g.threadSpans, g.asyncSpans].filter((c) => c !== undefined && c.count > 0);
  if (cols.length === 0) return { base: 0n, min: 0, max: 0, empty: true };
  const base = cols[0]!.ticks[0];
  const bh = Number(base >> 32n);
  const bl = Number(base & 0xffffffffn);
  let min = Infinity;
  let max = -Infinity;
  for (const c of cols) {
    const lo = new Uint32Array(c!.ticks.buffer, c!.ticks.byteOffset, c!.count * 2);
    const hi = new Int32Array(c!.ticks.buffer, c!.ticks.byteOffset, c!.count * 2);
    for (let i = 0; i < c!.count; i++) {
      const v = (hi[2 * i + 1] - bh) * 4294967296 + (lo[2 * i] - bl);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { base, min, max, empty: false };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function writeUuid(buf: Buffer, at: number, uuid: string, what: string): void {
  if (!UUID_RE.test(uuid)) throw new TypeError(`${what} must be a UUID, got '${uuid}'`);
  buf.write(uuid.replace(/-/g, ''), at, 16, 'hex');
}

function assembleBlock(h: BlockHeaderInput, nbObjects: number, r: TickRange, codec: Codec, rawSize: number, stored: Uint8Array): Buffer {
  if (!(h.tscFrequency > 0 && Number.isFinite(h.tscFrequency))) throw new RangeError(`tscFrequency must be > 0, got ${h.tscFrequency}`);
  // Event ticks are stored relative to begin_ticks, so the range is exactly the events' range.
  const begin = r.empty ? h.clock.ticks : r.base + BigInt(r.min);
  const end = r.empty ? h.clock.ticks : r.base + BigInt(r.max);
  const size = HEADER_SIZE + stored.length + CHECKSUM_SIZE;
  const buf = Buffer.allocUnsafe(size);
  buf.set(MAGIC, H.magic);
  buf[H.version] = FORMAT_VERSION;
  buf[H.codec] = codec;
  buf.writeUInt16LE(HEADER_SIZE, H.headerSize);
  buf.writeUInt32LE(size, H.blockSize);
  writeUuid(buf, H.blockId, h.blockId, 'blockId');
  writeUuid(buf, H.streamId, h.streamId, 'streamId');
  writeUuid(buf, H.processId, h.processId, 'processId');
  const usPerTick = 1e6 / h.tscFrequency;
  buf.writeBigInt64LE(BigInt(Math.round(h.clock.timeUs + Number(begin - h.clock.ticks) * usPerTick)), H.beginTime);
  buf.writeBigInt64LE(BigInt(Math.round(h.clock.timeUs + Number(end - h.clock.ticks) * usPerTick)), H.endTime);
  buf.writeBigInt64LE(begin, H.beginTicks);
  buf.writeBigInt64LE(end, H.endTicks);
  buf.writeDoubleLE(h.tscFrequency, H.tscFrequency);
  buf.writeBigUInt64LE(BigInt(h.objectOffset), H.objectOffset);
  buf.writeUInt32LE(nbObjects, H.nbObjects);
  buf.writeUInt32LE(stored.length, H.payloadSize);
  buf.writeUInt32LE(rawSize, H.rawSize);
  buf.set(stored, HEADER_SIZE);
  buf.writeUInt32LE(crc32(buf.subarray(0, size - CHECKSUM_SIZE)), size - CHECKSUM_SIZE);
  return buf;
}
