import { describe, expect, it } from 'vitest';
import { BlockFormatError, BlockWriter, Codec, decodeBlock, encodeBlock } from '../../../src/datalake/block/index.js';
import { T0, header, reseal, sampleBlock } from './helpers.js';

/** Deterministic PRNG: a failure names its iteration and can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

function logBlock(codec: Codec): Buffer {
  const w = new BlockWriter(300);
  for (let i = 0; i < 300; i++) {
    if (i % 7 === 0) w.logs.addFormatted(T0 + BigInt(i * 1000), 1 + (i % 6), `t${i % 4}`, 'v={} s={}', [i, `s${i % 3}`]);
    else w.logs.add(T0 + BigInt(i * 1000), 1 + (i % 6), `t${i % 4}`, `m${i % 9}`, i % 5 === 0 ? '{"k":1}' : undefined);
  }
  return encodeBlock(header(), w, { codec });
}

type Mutation = (b: Buffer, rand: () => number) => Buffer;
const at = (b: Buffer, rand: () => number): number => Math.floor(rand() * b.length);

const MUTATIONS: [string, Mutation][] = [
  ['flip bits', (b, rand) => { const c = Buffer.from(b); for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) c[at(c, rand)] ^= 1 << Math.floor(rand() * 8); return c; }],
  ['random byte', (b, rand) => { const c = Buffer.from(b); c[at(c, rand)] = Math.floor(rand() * 256); return c; }],
  ['truncate', (b, rand) => b.subarray(0, at(b, rand))],
  ['insert', (b, rand) => { const i = at(b, rand); return Buffer.concat([b.subarray(0, i), Buffer.from([Math.floor(rand() * 256)]), b.subarray(i)]); }],
  ['delete', (b, rand) => { const i = at(b, rand); return Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]); }],
];

/** Payload-only mutations keep the header's sizes right, so the parser itself is exercised. */
const payloadMutation: Mutation = (b, rand) => {
  const c = Buffer.from(b);
  for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) c[120 + Math.floor(rand() * (c.length - 124))] = Math.floor(rand() * 256);
  return c;
};

function outcome(bytes: Buffer): 'ok' | 'format-error' {
  try {
    decodeBlock(bytes);
    return 'ok';
  } catch (err) {
    if (err instanceof BlockFormatError) return 'format-error';
    throw err;
  }
}

describe('decoder fuzz', () => {
  const bases: [string, Buffer][] = [
    ['sample deflate', sampleBlock(Codec.DeflateRaw)],
    ['sample uncompressed', sampleBlock(Codec.None)],
    ['logs deflate', logBlock(Codec.DeflateRaw)],
    ['logs uncompressed', logBlock(Codec.None)],
  ];

  it('mutated blocks either decode or throw BlockFormatError; unsealed changes never decode', () => {
    const rand = rng(20240601);
    const counts = { ok: 0, 'format-error': 0 };
    let iterations = 0;
    const started = Date.now();
    for (let i = 0; i < 12_000; i++) {
      const [baseName, base] = bases[i % bases.length];
      const [name, mutate] = i % 3 === 2 && base[5] === Codec.None ? ['payload', payloadMutation] : MUTATIONS[Math.floor(rand() * MUTATIONS.length)];
      const mutated = mutate(base, rand);
      const sealed = mutated.length >= 124 && rand() < 0.7 ? reseal(mutated) : mutated;
      const t0 = Date.now();
      let result: 'ok' | 'format-error';
      try {
        result = outcome(sealed);
      } catch (err) {
        throw new Error(`iteration ${i} (${baseName}, ${name}): ${(err as Error).name}: ${(err as Error).message}`);
      }
      expect(Date.now() - t0, `iteration ${i} took too long`).toBeLessThan(1000);
      if (sealed === mutated && !mutated.equals(base)) expect(result, `iteration ${i}: unsealed change decoded`).toBe('format-error');
      counts[result]++;
      iterations++;
    }
    expect(iterations).toBe(12_000);
    // Both outcomes occur: resealed payload changes often still form a valid block.
    expect(counts['format-error']).toBeGreaterThan(1000);
    expect(counts.ok).toBeGreaterThan(10);
    expect(Date.now() - started).toBeLessThan(50_000);
  });
});
