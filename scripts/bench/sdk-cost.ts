/**
 * Cost of recording on the calling thread, per event kind, and stored bytes per
 * event. `npx tsx scripts/bench/sdk-cost.ts`. A local HTTP server on port 0
 * accepts every request; the timed loops are synchronous, so they measure the
 * recording and the synchronous part of block encoding (compression runs on the
 * libuv pool and sending happens after each loop).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Codec } from '../../src/datalake/block/index.js';
import { init, type Telemetry } from '../../src/sdk/index.js';
import { logMixBlock } from './sdk-block.js';

const N = Number(process.argv[2] ?? 1_000_000);

function startServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Median of 5 timed rounds after a warm-up round (the first round pays for JIT
 * tiering). Timed in process CPU time, not wall time: on a shared 2-core machine
 * other processes stretch wall time, while a synchronous loop's CPU time is its
 * own (the process has no other busy thread during the loop).
 */
function nsPerOp(loop: (n: number) => void, n: number): { median: number; min: number } {
  const round = Math.max(1, Math.floor(n / 5));
  loop(round);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    loop(round);
    const c = process.cpuUsage(c0);
    times.push(((c.user + c.system) * 1000) / round);
  }
  times.sort((a, b) => a - b);
  return { median: times[2], min: times[0] };
}

async function bytesPerEvent(t: Telemetry, before: { sentBytes: number; sentEvents: number }): Promise<string> {
  await t.flush(30_000);
  const s = t.stats();
  return ((s.sentBytes - before.sentBytes) / (s.sentEvents - before.sentEvents)).toFixed(2);
}

async function main(): Promise<void> {
  const server = await startServer();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = init({ url, queueBudgetBytes: 512 * 1024 * 1024, flushOnExit: false });
  await t.flush();
  const { min: clock } = nsPerOp((n) => {
    const sink = new BigInt64Array(1024);
    for (let i = 0; i < n; i++) sink[i & 1023] = process.hrtime.bigint();
  }, N);
  const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const noop = (): number => 1;
  const cases: [string, number, (t: Telemetry, n: number) => void][] = [
    ['static log', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', 'request completed'); }],
    ['static log + properties', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', 'request completed', { status: 200 }); }],
    ['log with a unique text each time (template literal)', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', `user ${users[i % 5]} took ${i} ms`); }],
    ['formatted log (2 args)', 1, (t, n) => { for (let i = 0; i < n; i++) t.infof('http', 'user {} took {} ms', users[i % 5], i & 1023); }],
    ['metric (int)', 1, (t, n) => { for (let i = 0; i < n; i++) t.metric('queue_depth', 'count', i & 1023); }],
    ['metric (float)', 1, (t, n) => { for (let i = 0; i < n; i++) t.metric('latency', 'ms', (i & 1023) * 0.37); }],
    ['span pair: span(name, fn)', 2, (t, n) => { for (let i = 0; i < n; i++) t.span('handle', noop); }],
    ['span pair: beginSpan/endSpan', 2, (t, n) => { for (let i = 0; i < n; i++) { t.beginSpan('handle'); t.endSpan(); } }],
  ];
  console.log(`N = ${N} calls per case (median of 5 rounds, CPU time); the clock read alone (process.hrtime.bigint() into a BigInt64Array, min): ${clock.toFixed(1)} ns\n`);
  console.log('| case | ns/event (median) | ns/event (min) | events/call | stored bytes/event |');
  console.log('|---|---|---|---|---|');
  for (const [name, eventsPerCall, loop] of cases) {
    const before = t.stats();
    const ns = nsPerOp((n) => loop(t, n), N);
    const bytes = await bytesPerEvent(t, before);
    console.log(`| ${name} | ${(ns.median / eventsPerCall).toFixed(1)} | ${(ns.min / eventsPerCall).toFixed(1)} | ${eventsPerCall} | ${bytes} |`);
  }
  let asyncDone = 0;
  const asyncN = Math.min(N, 200_000);
  const a0 = process.cpuUsage();
  for (let i = 0; i < asyncN; i++) void t.span('io', async () => void asyncDone++);
  await new Promise((r) => setImmediate(r)); // let the span ends run
  const a = process.cpuUsage(a0);
  const asyncNs = ((a.user + a.system) * 1000) / asyncN;
  console.log(`| async span pair (AsyncLocalStorage, promise; one run) | ${(asyncNs / 2).toFixed(1)} | - | 2 | - |`);
  await t.shutdown(30_000);
  await split(url, cases);
  const s = t.stats();
  console.log('\nThe bytes/event above come from tight loops (identical events nanoseconds apart) and flatter the format.');
  for (const n of [100, 1000, 8192]) {
    console.log(`Realistic log mix (16 messages, 4 targets, levels cycling, ~200 µs apart), ${n}-event blocks: ${(logMixBlock(n, Codec.DeflateRaw, 1).length / n).toFixed(2)} bytes/event`);
  }
  console.log(`\nsent ${s.sentBlocks} blocks, ${s.sentEvents} events, dropped ${s.droppedBlocks}, retries ${s.retries}`);
  server.close();
}

const cpuNs = (c: NodeJS.CpuUsage): number => (c.user + c.system) * 1000;

/**
 * Where the time goes: with blocks large enough that none closes inside the
 * loop, the loop is the recording alone; closing the block afterwards (encode +
 * deflate + queue, all synchronous in flush()) is the rest, per event.
 */
async function split(url: string, cases: [string, number, (t: Telemetry, n: number) => void][]): Promise<void> {
  const n = 200_000;
  const big = init({ url, maxEventsPerBlock: 2 * n + 1, maxBlockBytes: 1 << 30, queueBudgetBytes: 1 << 30, flushOnExit: false, maxBlockAgeMs: 600_000 });
  console.log('\n| case | recording ns/event (min of 3) | block close ns/event (min of 3) |');
  console.log('|---|---|---|');
  for (const [name, eventsPerCall, loop] of cases) {
    let record = Infinity;
    let close = Infinity;
    for (let r = 0; r < 4; r++) {
      const c0 = process.cpuUsage();
      loop(big, n);
      const c1 = process.cpuUsage();
      const flushed = big.flush(30_000);
      const c2 = process.cpuUsage();
      await flushed;
      if (r === 0) continue; // warm-up
      record = Math.min(record, cpuNs(process.cpuUsage(c0)) - cpuNs(process.cpuUsage(c1)));
      close = Math.min(close, cpuNs(process.cpuUsage(c1)) - cpuNs(process.cpuUsage(c2)));
    }
    const events = n * eventsPerCall;
    console.log(`| ${name} | ${(record / events).toFixed(1)} | ${(close / events).toFixed(1)} |`);
  }
  await big.shutdown(30_000);
}

void main();
