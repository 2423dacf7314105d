import { describe, expect, it } from 'vitest';
import {
  BlockFormatError,
  BlockWriter,
  Codec,
  decodeBlock,
  encodeBlock,
  objectsMetadata,
  EventKind,
  readBlockMeta,
} from '../../../src/datalake/block/index.js';
import { T0, TIME0, header, sampleWriter } from './helpers.js';

const str = (strings: string[], ids: ArrayLike<number>): string[] => Array.from(ids, (i) => strings[i]);

describe.each([
  ['deflate', Codec.DeflateRaw],
  ['uncompressed', Codec.None],
])('block round trip (%s)', (_name, codec) => {
  const h = header({ objectOffset: 1234 });
  const bytes = encodeBlock(h, sampleWriter(), { codec });
  const d = decodeBlock(bytes);

  it('keeps the header', () => {
    expect(d.meta).toMatchObject({
      version: 1,
      codec,
      blockId: h.blockId,
      streamId: h.streamId,
      processId: h.processId,
      objectOffset: 1234,
      nbObjects: 14,
      tscFrequency: 1e9,
      beginTicks: T0 + 1000n,
      endTicks: T0 + 5000n,
      beginTime: TIME0 + 1,
      endTime: TIME0 + 5,
      blockSize: bytes.length,
    });
    expect(readBlockMeta(bytes)).toEqual(d.meta);
  });

  it('decodes logs, static and formatted, with interned strings', () => {
    const l = d.logs!;
    expect(l.count).toBe(4);
    expect(Array.from(l.level)).toEqual([4, 2, 3, 4]);
    expect(Array.from(l.ticks)).toEqual([0, 1500, 3000, 4000]);
    expect(Array.from(l.time)).toEqual([TIME0 + 1, TIME0 + 2.5, TIME0 + 4, TIME0 + 5]);
    expect(str(d.strings, l.target)).toEqual(['http', 'db', 'http', 'http']);
    expect(str(d.strings, l.msg)).toEqual(['request completed', 'query failed', 'user alice took 42 ms, ratio 0.25', 'request completed']);
    expect(l.msg[0]).toBe(l.msg[3]); // same static message → same dependency id
    expect(l.msg[2]).toBeGreaterThanOrEqual(d.internedStrings); // formatted text is appended after the table
    expect(Array.from(l.properties, (p) => (p < 0 ? null : d.strings[p]))).toEqual([null, '{"table":"users"}', null, null]);
    expect(d.strings.slice(0, d.internedStrings).filter((s) => s === 'http')).toHaveLength(1);
  });

  it('decodes metrics, int and float', () => {
    const m = d.metrics!;
    expect(str(d.strings, m.name)).toEqual(['cpu_usage', 'queue_depth']);
    expect(str(d.strings, m.unit)).toEqual(['percent', 'count']);
    expect(str(d.strings, m.target)).toEqual(['sys', 'sys']);
    expect(Array.from(m.value)).toEqual([12.5, -3]);
    expect(Array.from(m.valueKind)).toEqual([1, 0]);
    expect(d.strings[m.properties[1]]).toBe('{"queue":"a"}');
    expect(Array.from(m.ticks)).toEqual([200, 300]);
  });

  it('decodes thread and async spans with their descriptions', () => {
    const t = d.threadSpans!;
    const sd = d.spanDescs;
    expect(Array.from(t.eventType)).toEqual([0, 0, 1, 1]);
    expect(Array.from(t.desc, (i) => d.strings[sd.name[i]])).toEqual(['work', 'io', 'io', 'work']);
    expect(Array.from(t.desc, (i) => `${d.strings[sd.file[i]]}:${sd.line[i]}`)).toEqual(['src/app.ts:12', 'src/io.ts:99', 'src/io.ts:99', 'src/app.ts:12']);
    expect(sd.count).toBe(2);
    expect(sd.hash[0]).not.toBe(sd.hash[1]);
    const a = d.asyncSpans!;
    expect(Array.from(a.spanId)).toEqual([7, 8, 8, 7]);
    expect(Array.from(a.parentSpanId)).toEqual([0, 7, 7, 0]);
    expect(Array.from(a.depth)).toEqual([0, 1, 1, 0]);
    expect(Array.from(a.eventType)).toEqual([0, 0, 1, 1]);
    expect(Array.from(a.ticks)).toEqual([2000, 2100, 2900, 3000]);
  });
});

describe('block encoding details', () => {
  it('hashes a span description the same way in every block', () => {
    const a = decodeBlock(encodeBlock(header(), sampleWriter()));
    const w = new BlockWriter(4);
    w.threadSpans.add(T0, 0, { name: 'io', target: 'app', file: 'src/io.ts', line: 99, gen: -1, id: -1 });
    const b = decodeBlock(encodeBlock(header(), w));
    expect(b.spanDescs.hash[0]).toBe(a.spanDescs.hash[1]);
  });

  it('formats surplus arguments after a space and keeps unfilled placeholders', () => {
    const w = new BlockWriter(4);
    w.logs.addFormatted(T0, 4, 't', 'a={} b={}', [1]);
    w.logs.addFormatted(T0, 4, 't', 'x={}', [1, 'two', true, null, { k: 1 }, 2 ** 60]);
    const d = decodeBlock(encodeBlock(header(), w));
    expect(Array.from(d.logs!.msg, (i) => d.strings[i])).toEqual(['a=1 b={}', `x=1 two true null {"k":1} ${String(2 ** 60)}`]);
  });

  it('keeps large ticks and wide gaps exact', () => {
    const w = new BlockWriter(4);
    const far = 2n ** 62n;
    w.logs.add(far, 4, 't', 'm');
    w.logs.add(far + 3n * 86_400_000_000_000n + 7n, 4, 't', 'm'); // three days later, to the ns
    const d = decodeBlock(encodeBlock(header({ clock: { ticks: far, timeUs: TIME0 } }), w));
    expect(d.meta.beginTicks).toBe(far);
    expect(d.meta.endTicks).toBe(far + 3n * 86_400_000_000_000n + 7n);
    expect(Array.from(d.logs!.ticks)).toEqual([0, 3 * 86_400_000_000_000 + 7]);
  });

  it('round-trips a block of a thousand mixed events exactly', () => {
    const w = new BlockWriter(1000);
    const expected: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const msg = `m${i % 17} ✓`;
      w.logs.add(T0 + BigInt(i * 997), 1 + (i % 6), `t${i % 4}`, msg);
      expected.push(`${1 + (i % 6)}|t${i % 4}|${msg}|${i * 997}`);
    }
    const d = decodeBlock(encodeBlock(header(), w));
    const l = d.logs!;
    expect(Array.from({ length: l.count }, (_, i) => `${l.level[i]}|${d.strings[l.target[i]]}|${d.strings[l.msg[i]]}|${l.ticks[i]}`)).toEqual(expected);
    expect(d.internedStrings).toBe(17 + 4);
  });

  it('encodes an empty block', () => {
    const d = decodeBlock(encodeBlock(header(), new BlockWriter(1)));
    expect(d.meta.nbObjects).toBe(0);
    expect(d.logs).toBeUndefined();
    expect(d.meta.beginTicks).toBe(T0);
  });

  it('reuses a writer after reset', () => {
    const w = sampleWriter();
    encodeBlock(header(), w);
    w.reset();
    w.logs.add(T0, 1, 'x', 'only');
    const d = decodeBlock(encodeBlock(header(), w));
    expect(d.meta.nbObjects).toBe(1);
    expect(d.strings).toEqual(['x', 'only']);
    expect(d.spanDescs.count).toBe(0);
  });

  it('rejects a level outside 1..6 and a full block at the writer', () => {
    const w = new BlockWriter(1);
    expect(() => w.logs.add(T0, 7, 't', 'm')).toThrow(/level must be an integer 1..6, got/);
    expect(() => w.logs.add(T0, 2.5, 't', 'm')).toThrow(/got 2.5/);
    expect(() => w.logs.add(T0, 1, 't', 42 as unknown as string)).toThrow(/expected a string, got number/);
    w.reset();
    w.logs.add(T0, 1, 't', 'm');
    expect(() => w.logs.add(T0, 1, 't', 'm')).toThrow(/block is full/);
  });

  it('checks the block against its stream metadata when given', () => {
    const h = header();
    const bytes = encodeBlock(h, sampleWriter());
    const all = objectsMetadata([EventKind.Log, EventKind.Metric, EventKind.ThreadSpan, EventKind.AsyncSpan]);
    expect(decodeBlock(bytes, { stream_id: h.streamId, objects_metadata: JSON.stringify(all) }).meta.nbObjects).toBe(14);
    expect(() => decodeBlock(bytes, { stream_id: header().streamId })).toThrow(BlockFormatError);
    expect(() => decodeBlock(bytes, { objects_metadata: objectsMetadata([EventKind.Log]) })).toThrow(/does not declare event kind metric/);
  });
});
