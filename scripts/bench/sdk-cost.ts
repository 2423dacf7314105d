/**
 * Cost of recording on the calling thread, per event kind, and stored bytes per
 * event. `npx tsx scripts/bench/sdk-cost.ts [N]` (N calls per case, default
 * 1,000,000); writes its section of docs/benchmarks.md. A local HTTP server on
 * port 0 accepts every request. The timed loops are synchronous: they measure
 * recording plus handing closed blocks to the encode worker (which encodes and
 * compresses them on its own thread, concurrently); sending happens between
 * timed rounds. Linux only: the calling thread's CPU time comes from
 * /proc/thread-self/schedstat (Node 20 has no per-thread CPU clock).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Codec, encodeBlock, type BlockHeaderInput, type BlockWriter } from '../../src/datalake/block/index.js';
import { init, type Telemetry } from '../../src/sdk/index.js';
import { machine, recordSection } from './lib.js';
import { logMixBlock } from './sdk-block.js';

const N = Number(process.argv[2] ?? 1_000_000);
const lines: string[] = [];
const out = (line = ''): void => {
  console.log(line);
  lines.push(line);
};

const nap = new Int32Array(new SharedArrayBuffer(4));
/**
 * ns of CPU this thread has run (the kernel's sum_exec_runtime). A running
 * thread's figure is only brought up to date at a scheduler tick (4 ms here) or
 * when it sleeps, so it sleeps for 50 µs first (sleeping costs no CPU time).
 */
const threadNs = (): number => {
  Atomics.wait(nap, 0, 0, 0.05);
  return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
};
const processNs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) * 1000;
};

function startServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Median of 5 timed rounds after a warm-up round (the first round pays for JIT
 * tiering). Timed in CPU time, not wall time: on a shared 2-core machine other
 * processes stretch wall time, not a thread's CPU time. `median`/`min` are the
 * calling thread alone (the goal); `process` adds every other thread of the
 * process during the loop: the encode worker, GC helpers. Each round is a burst
 * of N/5 calls (24 blocks at N = 1M) without yielding; between rounds, untimed,
 * `settle` lets the event loop run as an application's would (the sender sends,
 * the encode worker catches up).
 */
async function nsPerOp(loop: (n: number) => void, n: number, settle: () => Promise<unknown>): Promise<{ median: number; min: number; process: number }> {
  const round = Math.max(1, Math.floor(n / 5));
  loop(round);
  await settle();
  const times: number[] = [];
  const all: number[] = [];
  for (let r = 0; r < 5; r++) {
    const p0 = processNs();
    const t0 = threadNs();
    loop(round);
    times.push((threadNs() - t0) / round);
    all.push((processNs() - p0) / round);
    await settle();
  }
  times.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  return { median: times[2], min: times[0], process: all[2] };
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
  const { min: clock } = await nsPerOp((n) => {
    const sink = new BigInt64Array(1024);
    for (let i = 0; i < n; i++) sink[i & 1023] = process.hrtime.bigint();
  }, N, async () => undefined);
  const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const noop = (): number => 1;
  // The goal's four kinds first; the two that make much garbage (JSON texts, a new string per call) last, so the
  // old-space collections they cause do not land in the other cases' rounds.
  const cases: [string, number, (t: Telemetry, n: number) => void][] = [
    ['static log', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', 'request completed'); }],
    ['formatted log (2 args)', 1, (t, n) => { for (let i = 0; i < n; i++) t.infof('http', 'user {} took {} ms', users[i % 5], i & 1023); }],
    ['metric (int)', 1, (t, n) => { for (let i = 0; i < n; i++) t.metric('queue_depth', 'count', i & 1023); }],
    ['metric (float)', 1, (t, n) => { for (let i = 0; i < n; i++) t.metric('latency', 'ms', (i & 1023) * 0.37); }],
    ['span pair: span(name, fn)', 2, (t, n) => { for (let i = 0; i < n; i++) t.span('handle', noop); }],
    ['span pair: beginSpan/endSpan', 2, (t, n) => { for (let i = 0; i < n; i++) { t.beginSpan('handle'); t.endSpan(); } }],
    ['static log + properties', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', 'request completed', { status: 200 }); }],
    ['log with a unique text each time (template literal)', 1, (t, n) => { for (let i = 0; i < n; i++) t.info('http', `user ${users[i % 5]} took ${i} ms`); }],
  ];
  out(`N = ${N} calls per case in 5 timed rounds of N/5 (bursts of 24 blocks at N = 1M; the event loop runs between rounds), median and min of the rounds, CPU time of the calling thread from /proc/thread-self/schedstat. The clock read alone (process.hrtime.bigint() into a BigInt64Array, min): ${clock.toFixed(1)} ns\n`);
  out('| case | calling thread ns/event (median) | calling thread ns/event (min) | whole process ns/event (median; + encode worker, GC threads) | events/call | stored bytes/event |');
  out('|---|---|---|---|---|---|');
  // Warm-up: the goal's cases once, so JIT tiers, the encode worker and its buffer pool reach their steady state.
  for (const [, , loop] of cases.slice(0, 6)) loop(t, Math.min(N, 200_000));
  await t.flush(30_000);
  for (const [name, eventsPerCall, loop] of cases) {
    const before = t.stats();
    const ns = await nsPerOp((n) => loop(t, n), N, () => t.flush(30_000));
    const bytes = await bytesPerEvent(t, before);
    out(`| ${name} | ${(ns.median / eventsPerCall).toFixed(1)} | ${(ns.min / eventsPerCall).toFixed(1)} | ${(ns.process / eventsPerCall).toFixed(1)} | ${eventsPerCall} | ${bytes} |`);
  }
  let asyncDone = 0;
  const asyncN = Math.min(N, 200_000);
  const a0 = threadNs();
  for (let i = 0; i < asyncN; i++) void t.span('io', async () => void asyncDone++);
  await new Promise((r) => setImmediate(r)); // let the span ends run
  const asyncNs = (threadNs() - a0) / asyncN;
  out(`| async span pair (AsyncLocalStorage, promise; one run) | ${(asyncNs / 2).toFixed(1)} | - | - | 2 | - |`);
  await t.shutdown(30_000);
  await split(url, cases);
  const s = t.stats();
  out('\nThe bytes/event above come from tight loops (identical events nanoseconds apart) and flatter the format.');
  for (const n of [100, 1000, 8192]) {
    out(`Realistic log mix (16 messages, 4 targets, levels cycling, ~200 µs apart), ${n}-event blocks: ${(logMixBlock(n, Codec.DeflateRaw, 1).length / n).toFixed(2)} bytes/event`);
  }
  out(`\nsent ${s.sentBlocks} blocks, ${s.sentEvents} events, dropped ${s.droppedBlocks}, retries ${s.retries}`);
  server.close();
  const command = `npx tsx scripts/bench/sdk-cost.ts${process.argv[2] ? ` ${process.argv[2]}` : ''}`;
  recordSection('sdk-cost', `## SDK cost per event on the calling thread (issue 3)\n\n\`${command}\`\n\n\`\`\`\n${lines.join('\n').trim()}\n\`\`\`\n\n${machine()}`);
}

/**
 * Where the calling thread's time goes: with blocks large enough that none
 * closes inside the loop, the loop is the recording alone (the flush after it
 * is not timed); the same loop with default options, run alternately with it,
 * adds closing blocks (copy into a transfer buffer, interning string
 * arguments, postMessage, queueing). The baseline, measured in the same rounds:
 * recording plus encodeBlock() of the recorded events on this thread, which is
 * what the SDK did before the encode worker. Min of 3 rounds each, per event.
 */
async function split(url: string, cases: [string, number, (t: Telemetry, n: number) => void][]): Promise<void> {
  const n = 200_000;
  const big = init({ url, maxEventsPerBlock: 2 * n + 1, maxBlockBytes: 1 << 30, queueBudgetBytes: 1 << 30, flushOnExit: false, maxBlockAgeMs: 600_000 });
  const std = init({ url, queueBudgetBytes: 1 << 30, flushOnExit: false });
  // The benchmark reaches into the SDK for the open block, to time encoding it here.
  const openBlock = (): BlockWriter => (big as unknown as { pipeline: { all: { writer: BlockWriter }[] } }).pipeline.all.find((s) => s.writer.nbObjects > 0)!.writer;
  const header: BlockHeaderInput = { blockId: randomUUID(), streamId: randomUUID(), processId: big.processId, objectOffset: 0, tscFrequency: 1e9, clock: { ticks: 0n, timeUs: 0 } };
  out('\n| case | recording ns/event (no block closes) | with block closes (default options) | block close share | baseline: recording + encoding on this thread | this SDK ÷ baseline |');
  out('|---|---|---|---|---|---|');
  for (const [name, eventsPerCall, loop] of cases) {
    let record = Infinity;
    let both = Infinity;
    let encode = Infinity;
    for (let r = 0; r < 4; r++) {
      for (const [t, isBig] of [[big, true], [std, false]] as const) {
        const c0 = threadNs();
        loop(t, n);
        const c1 = threadNs();
        if (isBig && r > 0) {
          const w = openBlock();
          const e0 = threadNs();
          encodeBlock(header, w);
          encode = Math.min(encode, threadNs() - e0);
        }
        await t.flush(30_000);
        if (r === 0) continue; // warm-up
        if (isBig) record = Math.min(record, c1 - c0);
        else both = Math.min(both, c1 - c0);
      }
    }
    const [rec, all, enc] = [record / (n * eventsPerCall), both / (n * eventsPerCall), encode / (n * eventsPerCall)];
    out(`| ${name} | ${rec.toFixed(1)} | ${all.toFixed(1)} | ${(all - rec).toFixed(1)} | ${(rec + enc).toFixed(1)} | ${(all / (rec + enc)).toFixed(2)} |`);
  }
  await Promise.all([big.shutdown(30_000), std.shutdown(30_000)]);
}

void main();
