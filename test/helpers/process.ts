import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** `sirius` as a separate OS process, from the built CLI (npm test builds first). */
export interface SiriusProcess {
  child: ChildProcess;
  pid: number;
  /** 0 for `sirius ingest`, which has no PostgreSQL listener. */
  pgPort: number;
  /** The ingestion HTTP service, from the "ingest ready — http://host:port/…" line. */
  ingestPort: number;
  ingestUrl: string;
  dataDir: string;
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to clean up. */
  kill(): Promise<void>;
}

export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** `command` 'serve' (everything) or 'ingest' (the ingestion service alone). */
export async function spawnSirius(args: string[] = [], env: Record<string, string> = {}, dataDir?: string, command: 'serve' | 'ingest' = 'serve'): Promise<SiriusProcess> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sirius-proc-'));
  const portFlags = command === 'serve' ? ['--pg-port', '0', '--http-port', '0'] : ['--http-port', '0'];
  const child = spawn(process.execPath, [CLI, command, ...portFlags, '--data-dir', dir, ...args], {
    env: { ...process.env, SIRIUS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ports = await new Promise<{ pg: number; ingest: number }>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`sirius did not start: ${err}`)), 30_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      // `serve` prints the ingest line first, then the psql one.
      const ingest = /ingest ready — http:\/\/\S+?:(\d+)\//.exec(err);
      const pg = /ready — psql .* port=(\d+)/.exec(err);
      if (ingest && (pg || command === 'ingest')) {
        clearTimeout(timer);
        resolvePort({ pg: pg ? Number(pg[1]) : 0, ingest: Number(ingest[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sirius exited with ${code}: ${err}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    pgPort: ports.pg,
    ingestPort: ports.ingest,
    ingestUrl: `http://127.0.0.1:${ports.ingest}`,
    dataDir: dir,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resident set size of a process, from /proc. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}
