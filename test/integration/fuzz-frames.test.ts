import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * Sends over 100,000 random and mutated frames on many connections while a
 * healthy client keeps querying: the server must answer or close each bad
 * connection, never crash, and never stall the healthy session.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxConnections: 1000 });
});

afterAll(async () => {
  await server?.close();
});

/** xorshift32: a seeded generator so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const VALID = (): Buffer[] => [
  serialize.query('SELECT 1'),
  serialize.query('SELECT range FROM range(3)'),
  serialize.parse({ name: 'a', text: 'SELECT $1::INTEGER', types: [23] }),
  serialize.bind({ statement: 'a', values: ['1'] }),
  serialize.bind({ portal: 'p', statement: 'a', values: [Buffer.from([0, 0, 0, 1])], binary: true }),
  serialize.describe({ type: 'S', name: 'a' }),
  serialize.describe({ type: 'P', name: 'p' }),
  serialize.execute({ portal: 'p', rows: 1 }),
  serialize.close({ type: 'P', name: 'p' }),
  serialize.sync(),
  serialize.flush(),
  serialize.password('pw'),
];

function mutate(rand: () => number, base: Buffer): Buffer {
  const b = Buffer.from(base);
  switch (Math.floor(rand() * 6)) {
    case 0: // flip bytes
      for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    case 1: // truncate, keeping the declared length
      return b.subarray(0, Math.max(1, Math.floor(rand() * b.length)));
    case 2: // lie about the length
      if (b.length >= 5) b.writeInt32BE(Math.floor(rand() * 0x7fffffff) - 0x20000000, 1);
      return b;
    case 3: // random type byte
      b[0] = Math.floor(rand() * 256);
      return b;
    case 4: // pure garbage
      return Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
    default: // intact
      return b;
  }
}

async function fuzzConnection(port: number, rand: () => number, frames: number): Promise<void> {
  const valid = VALID();
  const parts: Buffer[] = [];
  if (rand() < 0.85) parts.push(serialize.startup({ user: 'fuzz', database: 'sirius' }));
  for (let i = 0; i < frames; i++) parts.push(mutate(rand, valid[Math.floor(rand() * valid.length)]));
  await new Promise<void>((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    // A connection left waiting for more bytes of a lying length is the client's problem, not a hang:
    // we stop waiting after a while and close it ourselves.
    const timer = setTimeout(done, 2000);
    s.on('error', done);
    s.on('close', done);
    s.on('data', () => undefined);
    s.on('connect', () => {
      s.write(Buffer.concat(parts));
      s.end();
    });
  });
}

describe('fuzzed frames', () => {
  it('survives 100,000 random and mutated frames without crashing or stalling others', async () => {
    const healthy = await server.client();
    let healthyQueries = 0;
    let stop = false;
    const healthyLoop = (async () => {
      while (!stop) {
        const r = await healthy.query('SELECT 41 + 1 AS v');
        expect(r.rows).toEqual([{ v: 42 }]);
        healthyQueries++;
      }
    })();
    const rand = rng(0x5eed);
    const perConnection = 50;
    const total = 100_000;
    const parallel = 16;
    let sent = 0;
    while (sent < total) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < parallel && sent < total; i++, sent += perConnection) batch.push(fuzzConnection(server.port, rand, perConnection));
      await Promise.all(batch);
    }
    stop = true;
    await healthyLoop;
    expect(sent).toBeGreaterThanOrEqual(100_000);
    expect(healthyQueries).toBeGreaterThan(10);
    // the server still accepts new sessions and answers them
    const after = new pg.Client(server.pgConfig());
    await after.connect();
    expect((await after.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await after.end();
    await healthy.end();
  }, 240_000);
});
