import { createHash } from 'node:crypto';
import { ConfigError } from '../config/config.js';
import { Telemetry } from '../sdk/index.js';

/**
 * `sirius generate`: synthetic telemetry sent through the SDK, for tests,
 * benchmarks and demos. For each of P processes (exe `generator-<p>`):
 * L logs, M metrics and S thread-span begin/end pairs, each kind spread evenly
 * over [start, start + duration): event i of n is at start + ⌊i·duration/n⌋ ns.
 * Log i: level (i mod 6)+1, target `app::mod<i mod 4>`, message `event <i>` — recorded as
 * the template `event {}` with argument i, as an application logs a number: a distinct
 * static text per event would cost a string-table entry each (≈1 µs in the SDK's intern).
 * Metric i: `cpu_usage` (i even) or `mem_usage` (i odd), value i, unit `percent`,
 * target `app::mod<i mod 4>`. Span j: name `span<j mod 4>`, target `app::mod<j mod 4>`,
 * begin at slot 2j and end at slot 2j+1 of 2S slots.
 */
export interface GenerateOptions {
  url: string;
  processes: number;
  logEvents: number;
  metricEvents: number;
  spanEvents: number;
  /** µs since the Unix epoch. */
  startUs: number;
  durationUs: number;
  /** Makes the process ids reproducible. */
  seed: number;
  /** Give up when nothing is acknowledged for this long. */
  timeoutMs: number;
  /** The SDK's maxEventsPerBlock. */
  blockEvents: number;
}

export interface GenerateResult {
  processIds: string[];
  /** Events recorded: P × (L + M + 2S). */
  events: number;
  sentEvents: number;
  sentBlocks: number;
  sentBytes: number;
  droppedBlocks: number;
  rejectedBlocks: number;
  seconds: number;
  /** Every block was acknowledged by the server. */
  acknowledged: boolean;
}

export const GENERATE_USAGE = `usage: sirius generate [--url http://127.0.0.1:9000] [--processes 1] [--log-events 1000]
         [--metric-events 1000] [--span-events 1000] [--start 2026-01-01T00:00:00Z] [--duration 1h]
         [--seed 0] [--timeout 30s] [--block-events 8192] [--json]
`;

const DEFAULTS: GenerateOptions = {
  url: 'http://127.0.0.1:9000', processes: 1, logEvents: 1000, metricEvents: 1000, spanEvents: 1000,
  startUs: Date.parse('2026-01-01T00:00:00Z') * 1000, durationUs: 3_600_000_000, seed: 0, timeoutMs: 30_000, blockEvents: 8192,
};

const UNIT_US: Record<string, number> = { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6 };

/** '1h', '90s', '1h30m', '250ms' → µs. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new ConfigError(`${flag}: expected a duration like 1h, 90s, 1h30m or 250ms, got '${text}'`);
  return Math.round(parts.reduce((us, p) => us + Number(p[1]) * UNIT_US[p[2]], 0));
}

function count(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`${flag}: expected an integer ≥ ${min}, got '${text}'`);
  return n;
}

export function parseGenerateArgs(argv: string[]): GenerateOptions & { json: boolean } {
  const o = { ...DEFAULTS, json: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--json') { o.json = true; continue; }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new ConfigError(`option '${flag}' needs a value`);
    switch (flag) {
      case '--url':
        if (!/^https?:\/\/[^/\s]+/.test(v)) throw new ConfigError(`--url: expected http://host:port of the ingestion service, got '${v}'`);
        o.url = v;
        break;
      case '--processes': o.processes = count(v, flag, 1); break;
      case '--log-events': o.logEvents = count(v, flag, 0); break;
      case '--metric-events': o.metricEvents = count(v, flag, 0); break;
      case '--span-events': o.spanEvents = count(v, flag, 0); break;
      case '--seed': o.seed = count(v, flag, 0); break;
      case '--block-events': o.blockEvents = count(v, flag, 1); break;
      case '--timeout': o.timeoutMs = parseDuration(v, flag) / 1000; break;
      case '--duration': o.durationUs = parseDuration(v, flag); break;
      case '--start': {
        const ms = /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : NaN;
        if (Number.isNaN(ms)) throw new ConfigError(`--start: expected an ISO 8601 time like 2026-01-01T00:00:00Z, got '${v}'`);
        o.startUs = ms * 1000;
        break;
      }
      default: throw new ConfigError(`unknown option '${flag}'`);
    }
  }
  // Slot offsets are whole ns in a double: exact up to 2^53 ns (104 days).
  if (o.durationUs <= 0 || o.durationUs * 1000 > Number.MAX_SAFE_INTEGER) throw new ConfigError('--duration: must be > 0 and at most 104 days');
  return o;
}

/** A uuid (version 4 layout) derived from the seed: the same seed gives the same process ids. */
export function seededUuid(seed: number, p: number): string {
  const h = createHash('sha256').update(`sirius-generate:${seed}:${p}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Slot i of n over `durNs`: ⌊i·durNs/n⌋, stepped without division or overflow. */
class Slots {
  next = 0;
  private readonly q: bigint;
  private readonly r: number;
  private offset = 0n;
  private rem = 0;

  constructor(readonly n: number, durNs: number) {
    this.q = BigInt(Math.floor(durNs / Math.max(n, 1)));
    this.r = durNs % Math.max(n, 1);
  }

  /** The offset of slot `next`, then advances. */
  take(): bigint {
    const at = this.offset;
    this.next++;
    this.offset += this.q;
    this.rem += this.r;
    if (this.rem >= this.n) {
      this.rem -= this.n;
      this.offset += 1n;
    }
    return at;
  }
}

const TARGETS = ['app::mod0', 'app::mod1', 'app::mod2', 'app::mod3'];
const SPANS = ['span0', 'span1', 'span2', 'span3'];
const CHUNK = 2048;
/** Recording pauses while this many block bytes wait to be sent, so memory stays bounded and nothing is dropped. */
const BACKLOG_BYTES = 32 * 1024 * 1024;

interface Source {
  t: Telemetry;
  /** start, ns since the epoch: events go through the SDK's explicit-time API (…At), exact to the ns. */
  startNs: bigint;
  logs: Slots;
  metrics: Slots;
  spans: Slots;
}

function record(s: Source): void {
  const { t, startNs } = s;
  for (let k = 0; k < CHUNK && s.logs.next < s.logs.n; k++) {
    const i = s.logs.next;
    t.logfAt(startNs + s.logs.take(), (i % 6) + 1, TARGETS[i & 3], 'event {}', [i]);
  }
  for (let k = 0; k < CHUNK && s.metrics.next < s.metrics.n; k++) {
    const i = s.metrics.next;
    t.metricAt(startNs + s.metrics.take(), i % 2 === 0 ? 'cpu_usage' : 'mem_usage', 'percent', i, TARGETS[i & 3]);
  }
  for (let k = 0; k < CHUNK && s.spans.next < s.spans.n; k += 2) {
    const j = s.spans.next >> 1;
    t.beginSpanAt(startNs + s.spans.take(), SPANS[j & 3], TARGETS[j & 3]);
    t.endSpanAt(startNs + s.spans.take());
  }
}

const done = (s: Source): boolean => s.logs.next >= s.logs.n && s.metrics.next >= s.metrics.n && s.spans.next >= s.spans.n;
const sum = (sources: Source[], key: 'sentEvents' | 'sentBlocks' | 'queuedBytes'): number => sources.reduce((n, s) => n + s.t.stats()[key], 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `ready()`; false when nothing was acknowledged for `timeoutMs` meanwhile. */
async function waitWhileProgressing(sources: Source[], ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let last = sum(sources, 'sentBlocks');
  let lastChange = Date.now();
  while (!(await ready())) {
    const now = sum(sources, 'sentBlocks');
    if (now !== last) [last, lastChange] = [now, Date.now()];
    else if (Date.now() - lastChange > timeoutMs) return false;
  }
  return true;
}

export async function generate(o: GenerateOptions, onProgress?: (sentEvents: number, total: number) => void, onWarning?: (m: string) => void): Promise<GenerateResult> {
  const began = performance.now();
  const startNs = BigInt(o.startUs) * 1000n;
  const durNs = o.durationUs * 1000;
  const total = o.processes * (o.logEvents + o.metricEvents + 2 * o.spanEvents);
  const sources: Source[] = [];
  const progress = onProgress && setInterval(() => onProgress(sum(sources, 'sentEvents'), total), 200);
  try {
    for (let p = 0; p < o.processes; p++) {
      const t = new Telemetry({
        url: o.url, processInfo: { process_id: seededUuid(o.seed, p), exe: `generator-${p}` },
        properties: { generator_seed: String(o.seed), generator_process: String(p) },
        // a batch sender: the least CPU in all matters, not the least on the recording thread
        maxEventsPerBlock: o.blockEvents, maxBlockAgeMs: 3_600_000, queueBudgetBytes: 4 * BACKLOG_BYTES, encodeIn: 'caller',
        flushOnExit: false, onWarning: onWarning ?? (() => undefined),
      });
      sources.push({ t, startNs, logs: new Slots(o.logEvents, durNs), metrics: new Slots(o.metricEvents, durNs), spans: new Slots(2 * o.spanEvents, durNs) });
    }
    let moving = true;
    while (moving && sources.some((s) => !done(s))) {
      for (const s of sources) record(s);
      moving = await waitWhileProgressing(sources, () => sleep(0).then(() => sum(sources, 'queuedBytes') < BACKLOG_BYTES), o.timeoutMs);
    }
    const flushed = moving && (await waitWhileProgressing(sources, async () => (await Promise.all(sources.map((s) => s.t.flush(250)))).every(Boolean), o.timeoutMs));
    await Promise.all(sources.map((s) => s.t.shutdown(1)));
    return summarize(sources, total, flushed, (performance.now() - began) / 1000);
  } finally {
    if (progress) clearInterval(progress);
    for (const s of sources) void s.t.shutdown(1);
  }
}

function summarize(sources: Source[], total: number, flushed: boolean, seconds: number): GenerateResult {
  const stats = sources.map((s) => s.t.stats());
  const add = (k: keyof (typeof stats)[number]): number => stats.reduce((n, s) => n + (s[k] as number), 0);
  const r: GenerateResult = {
    processIds: sources.map((s) => s.t.processId),
    events: total, sentEvents: add('sentEvents'), sentBlocks: add('sentBlocks'), sentBytes: add('sentBytes'),
    droppedBlocks: add('droppedBlocks'), rejectedBlocks: add('rejectedBlocks'), seconds, acknowledged: false,
  };
  r.acknowledged = flushed && r.sentEvents === total && r.droppedBlocks === 0 && r.rejectedBlocks === 0 && add('encodeFailures') === 0 && add('metadataPending') === 0;
  return r;
}

function progressPrinter(err: NodeJS.WriteStream): (sent: number, total: number) => void {
  let lastLine = 0;
  return (sent, total) => {
    const pct = total === 0 ? 100 : Math.floor((sent / total) * 100);
    if (err.isTTY) {
      const width = 30;
      const bar = '#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.');
      err.write(`\r[${bar}] ${String(pct).padStart(3)}% ${sent.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events`);
    } else if (Date.now() - lastLine >= 2000) {
      lastLine = Date.now();
      err.write(`generate: ${sent}/${total} events acknowledged\n`);
    }
  };
}

/** The CLI: prints the counts; 0 only when every block was acknowledged. */
export async function runGenerate(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) return void process.stdout.write(GENERATE_USAGE), 0;
  let o: ReturnType<typeof parseGenerateArgs>;
  try {
    o = parseGenerateArgs(argv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sirius generate: ${err.message}\n\n${GENERATE_USAGE}`);
    return 2;
  }
  const warned = new Set<string>();
  const warn = (m: string): void => void (warned.has(m) || (warned.add(m), process.stderr.write(`\ngenerate: ${m}\n`)));
  const r = await generate(o, progressPrinter(process.stderr), warn);
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (o.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    const from = new Date(o.startUs / 1000).toISOString();
    const to = new Date((o.startUs + o.durationUs) / 1000).toISOString();
    process.stdout.write(
      `generated ${o.processes} processes × (${o.logEvents} logs + ${o.metricEvents} metrics + ${o.spanEvents} span pairs) = ${r.events} events over [${from}, ${to})\n` +
        `acknowledged ${r.sentEvents} events in ${r.sentBlocks} blocks (${r.sentBytes} bytes, ${(r.sentBytes / Math.max(r.sentEvents, 1)).toFixed(2)} bytes/event) ` +
        `in ${r.seconds.toFixed(2)} s; dropped ${r.droppedBlocks} blocks, rejected ${r.rejectedBlocks}\n`,
    );
  }
  if (!r.acknowledged) process.stderr.write(`generate: not every block was acknowledged by ${o.url} (${r.sentEvents} of ${r.events} events)\n`);
  return r.acknowledged ? 0 : 1;
}
