import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import { ByteReader } from './bytes.js';
import { crc32 } from './crc32.js';
import type { BlockMeta, DecodedBlock, DecodedSpanDescs } from './decoded.js';
import { decodeAsyncSpans, decodeLogs, decodeMetrics, decodeThreadSpans, type SectionContext } from './decode-sections.js';
import { BlockFormatError } from './errors.js';
import { CHECKSUM_SIZE, Codec, EventKind, FORMAT_VERSION, H, HEADER_SIZE, LAYOUTS, MAGIC, MAX_RAW_SIZE } from './format.js';
import { checkStreamMetadata, type StreamMetadata } from './stream-metadata.js';

const fail = (reason: string, offset: number): never => {
  throw new BlockFormatError(reason, offset, 'block');
};

const hex32 = (v: number): string => '0x' + v.toString(16).padStart(8, '0');

function uuidAt(buf: Buffer, at: number): string {
  const h = buf.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Validates magic, version, lengths and checksum, and returns the header; never decompresses. */
export function readBlockMeta(bytes: Uint8Array): BlockMeta {
  const buf = asBuffer(bytes);
  const len = buf.length;
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= len) fail(`block truncated: ${len} bytes, shorter than the magic`, len);
    if (buf[i] !== MAGIC[i]) fail(`bad magic 0x${buf.toString('hex', 0, Math.min(4, len))}, expected 0x5352424b ("SRBK")`, 0);
  }
  if (len <= H.version) fail(`block truncated: ${len} bytes, no version byte`, len);
  if (buf[H.version] !== FORMAT_VERSION) fail(`unsupported block format version ${buf[H.version]} (this reader knows ${FORMAT_VERSION})`, H.version);
  if (len < HEADER_SIZE + CHECKSUM_SIZE) fail(`block truncated: ${len} bytes, a v1 block has at least ${HEADER_SIZE + CHECKSUM_SIZE}`, len);
  const blockSize = buf.readUInt32LE(H.blockSize);
  if (blockSize > len) fail(`block truncated: header says ${blockSize} bytes, got ${len}`, H.blockSize);
  if (blockSize < len) fail(`${len - blockSize} bytes after the end of the block (header says ${blockSize} bytes)`, blockSize);
  const stored = buf.readUInt32LE(len - CHECKSUM_SIZE);
  const computed = crc32(buf.subarray(0, len - CHECKSUM_SIZE));
  if (stored !== computed) fail(`checksum mismatch: stored ${hex32(stored)}, computed ${hex32(computed)}`, len - CHECKSUM_SIZE);
  return headerFields(buf, blockSize);
}

function headerFields(buf: Buffer, blockSize: number): BlockMeta {
  const codec = buf[H.codec];
  if (codec !== Codec.None && codec !== Codec.DeflateRaw) fail(`unknown payload codec ${codec}`, H.codec);
  const headerSize = buf.readUInt16LE(H.headerSize);
  if (headerSize !== HEADER_SIZE) fail(`header size ${headerSize}, a v1 header has ${HEADER_SIZE}`, H.headerSize);
  const payloadSize = buf.readUInt32LE(H.payloadSize);
  if (payloadSize !== blockSize - HEADER_SIZE - CHECKSUM_SIZE) {
    fail(`payload size ${payloadSize} does not fit a ${blockSize}-byte block (expected ${blockSize - HEADER_SIZE - CHECKSUM_SIZE})`, H.payloadSize);
  }
  const rawSize = buf.readUInt32LE(H.rawSize);
  if (rawSize > MAX_RAW_SIZE) fail(`raw payload size ${rawSize} exceeds the ${MAX_RAW_SIZE}-byte limit`, H.rawSize);
  if (codec === Codec.None && rawSize !== payloadSize) fail(`raw size ${rawSize} differs from the uncompressed payload size ${payloadSize}`, H.rawSize);
  const beginTicks = buf.readBigInt64LE(H.beginTicks);
  const endTicks = buf.readBigInt64LE(H.endTicks);
  if (endTicks < beginTicks) fail(`end_ticks ${endTicks} is before begin_ticks ${beginTicks}`, H.endTicks);
  const beginTime = Number(buf.readBigInt64LE(H.beginTime));
  const endTime = Number(buf.readBigInt64LE(H.endTime));
  if (endTime < beginTime) fail(`end_time ${endTime} is before begin_time ${beginTime}`, H.endTime);
  const tscFrequency = buf.readDoubleLE(H.tscFrequency);
  if (!(tscFrequency > 0 && Number.isFinite(tscFrequency))) fail(`tsc_frequency ${tscFrequency} is not a positive number`, H.tscFrequency);
  const objectOffset = buf.readBigUInt64LE(H.objectOffset);
  if (objectOffset > BigInt(Number.MAX_SAFE_INTEGER)) fail(`object_offset ${objectOffset} is beyond 2^53`, H.objectOffset);
  const nbObjects = buf.readUInt32LE(H.nbObjects);
  if (nbObjects > rawSize) fail(`nb_objects ${nbObjects} cannot fit a ${rawSize}-byte payload`, H.nbObjects);
  return {
    version: FORMAT_VERSION,
    codec,
    blockId: uuidAt(buf, H.blockId),
    streamId: uuidAt(buf, H.streamId),
    processId: uuidAt(buf, H.processId),
    beginTime,
    endTime,
    beginTicks,
    endTicks,
    tscFrequency,
    objectOffset: Number(objectOffset),
    nbObjects,
    payloadSize,
    rawSize,
    blockSize,
  };
}

function rawPayload(buf: Buffer, meta: BlockMeta): Buffer {
  const stored = buf.subarray(HEADER_SIZE, HEADER_SIZE + meta.payloadSize);
  if (meta.codec === Codec.None) return stored;
  let raw: Buffer;
  try {
    raw = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(1, meta.rawSize) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BlockFormatError(`payload does not inflate to ${meta.rawSize} bytes: ${why}`, HEADER_SIZE, 'block', { cause: err });
  }
  if (raw.length !== meta.rawSize) fail(`payload inflates to ${raw.length} bytes, header says ${meta.rawSize}`, H.rawSize);
  return raw;
}

/** Decodes a whole block into columns per event kind. `streamMeta`, when given, must describe the block's stream. */
export function decodeBlock(bytes: Uint8Array, streamMeta?: StreamMetadata): DecodedBlock {
  const buf = asBuffer(bytes);
  const meta = readBlockMeta(buf);
  const r = new ByteReader(rawPayload(buf, meta));
  const strings = readStrings(r);
  const nStrings = strings.length;
  const spanDescs = readSpanDescs(r, strings);
  const ctx: SectionContext = { strings, nStrings, nDescs: spanDescs.count, beginTime: meta.beginTime, usPerTick: 1e6 / meta.tscFrequency };
  const out: DecodedBlock = { meta, strings, internedStrings: nStrings, spanDescs };
  const nSectionsAt = r.pos;
  const nSections = r.bounded('section count', 4);
  let events = 0;
  for (let s = 0; s < nSections; s++) {
    const at = r.pos;
    const kind = r.u8('section kind');
    const n = r.fits(`section ${s} event count`);
    const layout = LAYOUTS[kind as EventKind];
    if (layout === undefined) r.fail(`unknown event kind ${kind}`, at);
    const nColumns = r.u8(`section ${layout.name} column count`);
    if (nColumns !== layout.columns.length) r.fail(`section ${layout.name} has ${nColumns} columns, a v1 ${layout.name} section has ${layout.columns.length}`, r.pos - 1);
    if (sectionOf(out, kind) !== undefined) r.fail(`second ${layout.name} section`, at);
    if (streamMeta) checkStreamMetadata(streamMeta, meta, layout, at);
    decodeSection(out, kind as EventKind, r, n, ctx);
    events += n;
  }
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes after the last section`);
  if (events !== meta.nbObjects) r.fail(`sections hold ${events} events, header nb_objects says ${meta.nbObjects}`, nSectionsAt);
  return out;
}

function sectionOf(out: DecodedBlock, kind: number): unknown {
  return kind === EventKind.Log ? out.logs : kind === EventKind.Metric ? out.metrics : kind === EventKind.ThreadSpan ? out.threadSpans : out.asyncSpans;
}

function decodeSection(out: DecodedBlock, kind: EventKind, r: ByteReader, n: number, ctx: SectionContext): void {
  if (kind === EventKind.Log) out.logs = decodeLogs(r, n, ctx);
  else if (kind === EventKind.Metric) out.metrics = decodeMetrics(r, n, ctx);
  else if (kind === EventKind.ThreadSpan) out.threadSpans = decodeThreadSpans(r, n, ctx);
  else out.asyncSpans = decodeAsyncSpans(r, n, ctx);
}

function readStrings(r: ByteReader): string[] {
  const n = r.fits('string count');
  const strings = new Array<string>(n);
  const buf = r.buf as Buffer;
  for (let i = 0; i < n; i++) {
    const len = r.fits(`string ${i} byte length`);
    const start = r.pos;
    r.pos += len;
    const bytes = buf.subarray(start, start + len);
    if (!isUtf8(bytes)) r.fail(`string ${i} is not valid UTF-8`, start);
    strings[i] = buf.toString('utf8', start, start + len);
  }
  return strings;
}

function readSpanDescs(r: ByteReader, strings: string[]): DecodedSpanDescs {
  const n = r.fits('span description count');
  const d: DecodedSpanDescs = { count: n, name: new Uint32Array(n), target: new Uint32Array(n), file: new Uint32Array(n), line: new Uint32Array(n), hash: new Uint32Array(n) };
  const ref = (i: number, what: string): number => {
    const at = r.pos;
    const id = r.varuint(`span description ${i} ${what}`);
    if (id >= strings.length) r.fail(`span description ${i} ${what}: string id ${id} out of range (block has ${strings.length} strings)`, at);
    return id;
  };
  for (let i = 0; i < n; i++) {
    d.name[i] = ref(i, 'name');
    d.target[i] = ref(i, 'target');
    d.file[i] = ref(i, 'file');
    d.line[i] = r.bounded(`span description ${i} line`, 0xffffffff);
    const key = `${strings[d.target[i]]}\n${strings[d.name[i]]}\n${strings[d.file[i]]}\n${d.line[i]}`;
    d.hash[i] = crc32(Buffer.from(key, 'utf8'));
  }
  return d;
}
