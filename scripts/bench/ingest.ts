/**
 * Ingestion throughput end to end: `sirius generate` (the SDK) → HTTP →
 * `sirius ingest` → object store + catalog, in events per second, with the
 * embedded default (SQLite catalog, disk objects) and with the PostgreSQL
 * catalog; and the stored bytes per event of the generator's mix.
 *
 *   npm run build && npx tsx scripts/bench/ingest.ts [events-per-run-millions=4] [runs=3]
 *
 * "One core": both processes pinned to CPU 0 with taskset, so the figure is
 * the whole pipeline's CPU cost. A second row pins the service to CPU 0 and
 * the generator to CPU 1: the service's own capacity.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DiskObjectStore } from '../../src/datalake/objectstore/index.js';
import { fmt, machine, median, recordSection, ROOT } from './lib.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const MILLIONS = Number(process.argv[2] ?? 4);
const RUNS = Number(process.argv[3] ?? 3);
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Summary {
  events: number;
  sentEvents: number;
  sentBlocks: number;
  sentBytes: number;
  seconds: number;
  acknowledged: boolean;
}

interface Service {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

function pinned(cpu: number, args: string[]): [string, string[]] {
  return ['taskset', ['-c', String(cpu), process.execPath, CLI, ...args]];
}

async function startIngest(cpu: number, env: Record<string, string>): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sirius-bench-ingest-'));
  const [cmd, args] = pinned(cpu, ['ingest', '--http-port', '0', '--data-dir', dataDir]);
  const child = spawn(cmd, args, { env: { ...process.env, SIRIUS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((ok, fail) => {
    child.stderr!.on('data', (b: Buffer) => {
      err += b;
      const m = /ingest ready — (http:\/\/\S+?)\/ingestion\//.exec(err);
      if (m) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`sirius ingest exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The generator's mix: per process, as many logs as metrics, half as many span pairs (2 events each). */
function mixArgs(url: string, events: number, processes = 4): string[] {
  const perProcess = Math.floor(events / processes);
  const l = Math.floor(perProcess / 3);
  return ['generate', '--url', url, '--processes', String(processes), '--log-events', String(l), '--metric-events', String(l), '--span-events', String(l >> 1), '--seed', String(Date.now() % 100000), '--json'];
}

function runGenerator(cpu: number, args: string[]): Summary {
  const [cmd, argv] = pinned(cpu, args);
  const out = execFileSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const s = JSON.parse(out) as Summary;
  if (!s.acknowledged) throw new Error(`generator run not fully acknowledged: ${out}`);
  return s;
}

async function storedBytes(dataDir: string): Promise<number> {
  let n = 0;
  for await (const o of new DiskObjectStore(join(dataDir, 'objects')).list('blobs/')) n += o.size;
  return n;
}

async function throughput(label: string, serverCpu: number, generatorCpu: number, env: Record<string, string>): Promise<{ label: string; rates: number[] }> {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const svc = await startIngest(serverCpu, env);
    try {
      const s = runGenerator(generatorCpu, mixArgs(svc.url, MILLIONS * 1e6));
      rates.push(s.sentEvents / s.seconds);
      console.log(`${label} run ${r + 1}: ${fmt(s.sentEvents)} events in ${s.seconds.toFixed(2)} s = ${fmt(s.sentEvents / s.seconds)} events/s (${s.sentBlocks} blocks)`);
    } finally {
      await svc.stop();
    }
  }
  return { label, rates };
}

/** Stored bytes per event: the mix, and each kind alone (logs have the ≤ 20 bytes goal). */
async function bytesPerEvent(): Promise<{ what: string; events: number; bytes: number }[]> {
  const kinds: [string, string[]][] = [
    ['generator mix (1 log : 1 metric : ½ span pair)', []],
    ['logs only', ['--metric-events', '0', '--span-events', '0']],
    ['metrics only', ['--log-events', '0', '--span-events', '0']],
    ['span begin/end only', ['--log-events', '0', '--metric-events', '0']],
  ];
  const rows = [];
  for (const [what, override] of kinds) {
    const svc = await startIngest(0, {});
    try {
      const s = runGenerator(1, [...mixArgs(svc.url, 1e6), ...override]);
      rows.push({ what, events: s.sentEvents, bytes: await storedBytes(svc.dataDir) });
    } finally {
      await svc.stop();
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(', ');
  const schema = `sirius_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  try {
    const results = [
      await throughput('embedded, one core', 0, 0, {}),
      await throughput('PostgreSQL catalog, one core', 0, 0, { SIRIUS_CATALOG_URL: `${PG_URL}?schema=${schema}` }),
      await throughput('embedded, service on its own core', 0, 1, {}),
    ];
    const sizes = await bytesPerEvent();
    const loadAfter = loadavg().map((l) => l.toFixed(2)).join(', ');
    const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
    report(results, sizes, loadBefore, loadAfter, uptime);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

function report(results: { label: string; rates: number[] }[], sizes: { what: string; events: number; bytes: number }[], before: string, after: string, uptime: string): void {
  const busy = Math.max(...before.split(', ').map(Number), ...after.split(', ').map(Number)) > 1;
  const md = [
    '## Ingestion throughput and stored size (issue 3)',
    '',
    `\`npm run build && npx tsx scripts/bench/ingest.ts ${MILLIONS} ${RUNS}\` — \`sirius generate\` (SDK, 4 processes, the generator's mix) → HTTP →`,
    `\`sirius ingest\` → object store + catalog; ${MILLIONS}M events per run, ${RUNS} runs, a fresh data directory each; events/s = events ÷ the`,
    'generator\'s time from first event to last acknowledgment. "One core": both processes pinned to CPU 0 (taskset). Goal: ≥ 1M events/s embedded.',
    '',
    '| configuration | median events/s | runs |',
    '|---|---|---|',
    ...results.map((r) => `| ${r.label} | **${fmt(median(r.rates))}** | ${r.rates.map((x) => fmt(x)).join(', ')} |`),
    '',
    'Stored bytes per event (the block objects on disk ÷ events; 4 processes, 8192 events per block). Log messages are',
    '`event <i>`, sent as the template `event {}` with argument i:',
    '',
    '| events | count | stored bytes | bytes/event |',
    '|---|---|---|---|',
    ...sizes.map((s) => `| ${s.what} | ${fmt(s.events)} | ${fmt(s.bytes)} | ${(s.bytes / s.events).toFixed(2)} |`),
    '',
    machine(),
    `- Load average (1, 5, 15 min) before: ${before}; after: ${after} (\`${uptime}\`)`,
    busy ? '- **Preliminary**: the machine was shared with other test runs (load above 1 on 2 cores); rerun on a quiet machine.' : '- The machine was quiet (load ≤ 1).',
  ].join('\n');
  console.log('\n' + md);
  recordSection('ingest', md);
}

await main();
