import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BlockFormatError, BlockWriter, Codec, decodeBlock, encodeBlock, readBlockMeta } from '../../../src/datalake/block/index.js';
import { crc32, crc32Table } from '../../../src/datalake/block/crc32.js';
import { T0, header, reseal, sampleBlock, withPayload } from './helpers.js';

/** Expects a BlockFormatError whose message matches and whose offset is where the fault is. */
function expectFault(fn: () => unknown, message: RegExp, offset?: number, region?: 'block' | 'payload'): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(BlockFormatError);
  const e = caught as BlockFormatError;
  expect(e.message).toMatch(message);
  if (offset !== undefined) expect(e.offset).toBe(offset);
  if (region !== undefined) expect(e.region).toBe(region);
}

/** Payload bytes written by hand, to produce structures the encoder never writes. */
function payload(strings: string[], body: number[]): Buffer {
  const parts: number[] = [strings.length];
  for (const s of strings) {
    const b = Buffer.from(s, 'utf8');
    parts.push(b.length, ...b);
  }
  parts.push(0); // no span descriptions
  return Buffer.from([...parts, ...body]);
}

const col = (type: number, values: number[]): number[] => [type, values.length, values.length, ...values];
/** A one-event log section: ticks, level, target, msg, properties, arg_count, then the four empty arg columns. */
const logSection = (target: number, opts: { level?: number; ticksType?: number } = {}): number[] => [
  1, 1, 10,
  ...col(opts.ticksType ?? 3, [0]), ...col(1, [opts.level ?? 4]), ...col(5, [target]), ...col(5, [1]), ...col(6, [0]), ...col(2, [0]),
  ...col(1, []), ...col(7, []), ...col(4, []), ...col(5, []),
];

describe('block readers reject bad input with a precise BlockFormatError', () => {
  const good = sampleBlock();

  it('accepts the hand-written payload baseline', () => {
    const d = decodeBlock(withPayload(payload(['t', 'm'], [1, ...logSection(0)]), 1));
    expect(d.strings[d.logs!.msg[0]]).toBe('m');
  });

  it('wrong magic, empty input, unknown version', () => {
    const b = Buffer.from(good);
    b[0] = 0x50;
    expectFault(() => readBlockMeta(b), /bad magic 0x5052424b, expected 0x5352424b/, 0);
    expectFault(() => readBlockMeta(new Uint8Array(0)), /shorter than the magic/, 0);
    const v = Buffer.from(good);
    v[4] = 2;
    expectFault(() => decodeBlock(v), /unsupported block format version 2 \(this reader knows 1\)/, 4);
  });

  it('truncated and over-long blocks', () => {
    expectFault(() => readBlockMeta(good.subarray(0, good.length - 10)), new RegExp(`header says ${good.length} bytes, got ${good.length - 10}`), 8);
    expectFault(() => readBlockMeta(good.subarray(0, 50)), /block truncated: 50 bytes, a v1 block has at least 124/, 50);
    expectFault(() => readBlockMeta(Buffer.concat([good, Buffer.from([1, 2, 3])])), /3 bytes after the end of the block/, good.length);
  });

  it('checksum mismatch names both values and the checksum offset', () => {
    const b = Buffer.from(good);
    b[130] ^= 0x01;
    expectFault(() => readBlockMeta(b), /checksum mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/, good.length - 4);
  });

  it('impossible lengths and header values', () => {
    const cases: [number, (b: Buffer) => void, RegExp][] = [
      [112, (b) => b.writeUInt32LE(b.readUInt32LE(112) + 1, 112), /payload size \d+ does not fit/],
      [116, (b) => b.writeUInt32LE(0x20000000, 116), /raw payload size 536870912 exceeds/],
      [6, (b) => b.writeUInt16LE(64, 6), /header size 64, a v1 header has 120/],
      [5, (b) => (b[5] = 9), /unknown payload codec 9/],
      [84, (b) => b.writeBigInt64LE(0n, 84), /end_ticks 0 is before begin_ticks/],
      [92, (b) => b.writeDoubleLE(0, 92), /tsc_frequency 0 is not a positive number/],
      [108, (b) => b.writeUInt32LE(0xffffffff, 108), /nb_objects 4294967295 cannot fit/],
    ];
    for (const [offset, mutate, message] of cases) {
      const b = Buffer.from(good);
      mutate(b);
      expectFault(() => readBlockMeta(reseal(b)), message, offset, 'block');
    }
  });

  it('readBlockMeta reads the header without touching the payload', () => {
    const b = Buffer.from(good);
    b.fill(0xff, 120, b.length - 4);
    const sealed = reseal(b);
    expect(readBlockMeta(sealed).nbObjects).toBe(14); // the broken payload is only found by decodeBlock
    expectFault(() => decodeBlock(sealed), /payload does not inflate/, 120);
  });

  it('a payload that does not inflate, or inflates to another size', () => {
    const b = Buffer.from(good);
    b.fill(0xff, 120, b.length - 4);
    expectFault(() => decodeBlock(reseal(b)), /payload does not inflate/, 120);
    const short = Buffer.from(good);
    short.writeUInt32LE(short.readUInt32LE(116) - 1, 116);
    expectFault(() => decodeBlock(reseal(short)), /does not inflate to|inflates to/);
  });

  it('string id out of range', () => {
    const p = payload(['t', 'm'], [1, ...logSection(5)]);
    expectFault(() => decodeBlock(withPayload(p, 1)), /column log.target: id 5 out of range \(limit 2\)/, undefined, 'payload');
  });

  it('unknown event kind, wrong column type, count mismatch, trailing bytes', () => {
    expectFault(() => decodeBlock(withPayload(payload([], [1, 9, 0, 0]), 0)), /unknown event kind 9/, 3, 'payload');
    expectFault(() => decodeBlock(withPayload(payload(['t', 'm'], [1, ...logSection(0, { ticksType: 2 })]), 1)), /column log.ticks has type varuint, expected zigzag_delta/);
    expectFault(() => decodeBlock(withPayload(payload(['t', 'm'], [1, ...logSection(0)]), 2)), /sections hold 1 events, header nb_objects says 2/);
    expectFault(() => decodeBlock(withPayload(payload(['t', 'm'], [1, ...logSection(0), 0]), 1)), /1 trailing bytes after the last section/);
    expectFault(() => decodeBlock(withPayload(payload(['t', 'm'], [1, ...logSection(0, { level: 9 })]), 1)), /column log.level: value 9 at row 0 is not in 1..6/);
  });

  it('invalid UTF-8 and over-long varints', () => {
    const bad = Buffer.from([1, 2, 0xc3, 0x28, 0, 0]);
    expectFault(() => decodeBlock(withPayload(bad, 0)), /string 0 is not valid UTF-8/, 2, 'payload');
    const long = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expectFault(() => decodeBlock(withPayload(long, 0)), /string count: varint longer than 8 bytes/, 0, 'payload');
    expectFault(() => decodeBlock(withPayload(Buffer.from([5]), 0)), /string count 5 exceeds the 0 bytes left/, 0, 'payload');
  });

  it('a long template used by many formatted events cannot expand without bound', () => {
    const w = new BlockWriter(300);
    const template = `${'x'.repeat(1024 * 1024)} {}`;
    for (let i = 0; i < 300; i++) w.logs.addFormatted(T0, 4, 't', template, [i]);
    expectFault(() => decodeBlock(encodeBlock(header(), w)), /formatted messages expand beyond 268435456 characters \(log event 255\)/, undefined, 'payload');
  });

  it('a codec-none block whose raw size disagrees', () => {
    const b = sampleBlock(Codec.None);
    b.writeUInt32LE(b.readUInt32LE(116) + 1, 116);
    expectFault(() => readBlockMeta(reseal(b)), /raw size \d+ differs/, 116);
  });
});

describe('crc32', () => {
  it('is CRC-32/IEEE, natively and table-driven', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
    const random = zlib.deflateSync(Buffer.from('x'.repeat(1000) + Math.random()));
    expect(crc32Table(random)).toBe(crc32(random));
  });
});
