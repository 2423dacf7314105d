/**
 * Runs peer files against a Sirius server: each file gets its own connection (its own
 * session, as DuckDB's runner gives each file its own database) and its own __TEST_DIR__.
 * Files that change settings (SET, RESET, PRAGMA other than enable/disable_verification) run
 * one after another after all the others have run a few at a time: Sirius lets some DuckDB
 * settings of one session reach the others (docs/peer-tests.md), and results must not
 * depend on how concurrent files interleave.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type FileResult, runFile } from './runner.js';
import { parseFile } from './slt-file.js';
import type { Command } from './slt-parser.js';
import { PEER_ROOT } from './suite.js';
import { TEXT_TYPES } from './wire.js';

/** The server under test, which the suite may replace when a file leaves it unusable. */
export interface PeerServer {
  pgConfig(): pg.ClientConfig;
  /** Stops the server and starts a fresh one (same configuration). */
  restart(): Promise<void>;
}

export interface SuiteOptions {
  server: PeerServer;
  /** Files run at the same time, each on its own connection. */
  concurrency: number;
  statementTimeoutMs: number;
  onFile?: (result: FileResult) => void;
}

async function runOne(file: string, options: SuiteOptions): Promise<FileResult> {
  const testDir = mkdtempSync(join(tmpdir(), 'sirius-peer-'));
  const client = new pg.Client({ ...options.server.pgConfig(), types: TEXT_TYPES });
  // A broken session surfaces as a failed query; keep the process alive.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const text = readFileSync(join(PEER_ROOT, file), 'utf8');
    return await runFile(client, file, text, { testDir, statementTimeoutMs: options.statementTimeoutMs });
  } finally {
    await client.end().catch(() => undefined);
    rmSync(testDir, { recursive: true, force: true });
  }
}

const SETTING_STATEMENT = /(^|;)\s*(SET|RESET|PRAGMA)\s+(?!(enable_verification|disable_verification)\b)/i;

/**
 * A file that sets DuckDB's random seed (`set seed`) expects its seeded answers to repeat: with other files'
 * statements interleaved, `USING SAMPLE` drew different rows one run in three or four
 * (set_seed_for_sample.test), so such files run alone too.
 */
function changesSettings(commands: Command[]): boolean {
  return commands.some((c) =>
    c.kind === 'loop' ? changesSettings(c.body) : c.kind === 'seed' || ((c.kind === 'statement' || c.kind === 'query') && SETTING_STATEMENT.test(c.sql)),
  );
}

/** Whether the file's SQL changes settings or the random seed (it then runs alone). */
export function changesSessionSettings(file: string): boolean {
  return changesSettings(parseFile(readFileSync(join(PEER_ROOT, file), 'utf8'), file).commands);
}

/** Results in the order of `files`; a file that cannot run at all reports one failing record at line 0. */
export async function runSuite(files: string[], options: SuiteOptions): Promise<FileResult[]> {
  const byFile = new Map<string, FileResult>();
  const alone = files.filter(changesSessionSettings);
  const together = files.filter((f) => !alone.includes(f));
  await runPool(together, options, options.concurrency, byFile);
  await ensureUsable(options.server);
  await runPool(alone, options, 1, byFile, () => ensureUsable(options.server));
  return files.map((f) => byFile.get(f)!);
}

/**
 * A new session that cannot run `SELECT 1` means the server is broken for everyone (for
 * example DuckDB invalidated the shared database after an INTERNAL error). The file that did
 * it keeps its failures; the files after it get a fresh server.
 */
async function ensureUsable(server: PeerServer): Promise<void> {
  const client = new pg.Client(server.pgConfig());
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch {
    await server.restart();
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runPool(
  files: string[], options: SuiteOptions, concurrency: number, results: Map<string, FileResult>, afterFile?: () => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      const started = Date.now();
      let result: FileResult;
      try {
        result = await runOne(file, options);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        result = { file, ms: Date.now() - started, records: [{ line: 0, status: 'fail', kind: 'file', message }] };
      }
      results.set(file, result);
      options.onFile?.(result);
      await afterFile?.();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
