import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/** Shared pieces of the benchmarks: a Sirius process, the reference PostgreSQL, reporting. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const REFERENCE_PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

export interface SiriusProc {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startSirius(env: Record<string, string> = {}): Promise<SiriusProc> {
  const cli = join(ROOT, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error('run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'sirius-bench-'));
  const child = spawn(process.execPath, [cli, 'serve', '--pg-port', '0', '--http-port', '0', '--data-dir', dir], {
    env: { ...process.env, SIRIUS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const port = await new Promise<number>((ok, fail) => {
    child.stderr!.on('data', (b: Buffer) => {
      err += b;
      const m = /ready .* port=(\d+)/.exec(err);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`sirius exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    port,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function machine(): string {
  const pgVersion = execFileSync('psql', ['-V']).toString().trim();
  let duck = '';
  try {
    duck = JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')).version;
  } catch {
    duck = '?';
  }
  return [
    `- CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- Node ${process.version}, @duckdb/node-api ${duck}, ${pgVersion}, PostgreSQL server 15 on 127.0.0.1:5432`,
    `- Date: ${new Date().toISOString().slice(0, 10)}; load average at the end of the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`,
  ].join('\n');
}

/** Replaces the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md (appends it if new). */
export function recordSection(name: string, body: string): void {
  const file = join(ROOT, 'docs/benchmarks.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures written by `scripts/bench/*`; each section says how to reproduce it.\n';
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
