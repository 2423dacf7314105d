import { connect } from 'node:net';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssBytes, spawnSirius, type SiriusProcess } from '../helpers/process.js';

/**
 * Streams 10M rows from a separate server process to a client that counts
 * DataRows without keeping them, pausing mid-way (a slow reader): the
 * server's RSS must stay flat, proving chunked streaming with back-pressure.
 */
let sirius: SiriusProcess;

beforeAll(async () => {
  sirius = await spawnSirius([], { SIRIUS_THREADS: '2' });
});

afterAll(async () => {
  await sirius?.stop();
});

const ROWS = 10_000_000;

describe('streaming', () => {
  it(`streams ${ROWS.toLocaleString()} rows with flat server memory`, async () => {
    const socket = connect(sirius.pgPort, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(serialize.startup({ user: 'stream', database: 'sirius' }));
    let buf: Buffer = Buffer.alloc(0);
    let dataRows = 0;
    let readyCount = 0;
    let complete = '';
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        let off = 0;
        while (buf.length - off >= 5) {
          const len = buf.readInt32BE(off + 1);
          if (buf.length - off < len + 1) break;
          const type = buf[off];
          if (type === 0x44) dataRows++;
          else if (type === 0x43) complete = buf.toString('utf8', off + 5, off + len);
          else if (type === 0x45) reject(new Error(buf.toString('utf8', off + 5, off + 1 + len)));
          else if (type === 0x5a && ++readyCount === 2) resolve();
          off += len + 1;
        }
        buf = buf.subarray(off);
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const baseline = rssBytes(sirius.pid);
    socket.write(serialize.query(`SELECT range::INTEGER AS i, range AS b, 'row number ' || range::VARCHAR || ' of a long text value' AS t, range % 2 = 0 AS even FROM range(${ROWS})`));
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(sirius.pid))), 50);
    // a slow reader: stop reading for two seconds once the stream is flowing
    await new Promise((r) => setTimeout(r, 500));
    socket.pause();
    await new Promise((r) => setTimeout(r, 2000));
    const rowsWhilePaused = dataRows;
    socket.resume();
    await done;
    clearInterval(sampler);
    socket.end();
    expect(dataRows).toBe(ROWS);
    expect(complete.replace(/\0$/, '')).toBe(`SELECT ${ROWS}`);
    expect(rowsWhilePaused).toBeLessThan(ROWS);
    // 10M rows are ~700 MB on the wire; the server may grow by its buffers, not by the result
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
  }, 300_000);
});
