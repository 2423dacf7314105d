import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { generate } from '../../src/cli/generate.js';
import { spawnSirius, type SiriusProcess } from '../../test/helpers/process.js';

/**
 * Shared setup of the lakehouse benchmarks (issue 4): a Sirius process from the
 * built CLI, filled with `sirius generate` logs (no metrics, no spans), and a pg
 * client on it. The data directory is removed by `close()`.
 */
export const START_US = Date.parse('2026-01-01T00:00:00Z') * 1000;
export const HOUR_US = 3_600_000_000;

export interface LoadedSirius {
  sirius: SiriusProcess;
  client: pg.Client;
  processIds: string[];
  /** Wall time of `generate`, until every block was acknowledged. */
  generateSeconds: number;
  close(): Promise<void>;
}

export async function siriusWithLogs(processes: number, logsPerProcess: number, durationUs: number): Promise<LoadedSirius> {
  const sirius = await spawnSirius();
  const r = await generate({
    url: sirius.ingestUrl, processes, logEvents: logsPerProcess, metricEvents: 0, spanEvents: 0,
    startUs: START_US, durationUs, seed: 4, timeoutMs: 120_000, blockEvents: 8192,
  });
  if (!r.acknowledged) {
    await sirius.stop();
    throw new Error(`generate: not every block was acknowledged: ${JSON.stringify(r)}`);
  }
  const client = new pg.Client({ host: '127.0.0.1', port: sirius.pgPort, database: 'sirius', user: 'bench' });
  await client.connect();
  return {
    sirius, client, processIds: r.processIds, generateSeconds: r.seconds,
    async close() {
      await client.end();
      await sirius.stop();
      rmSync(sirius.dataDir, { recursive: true, force: true });
    },
  };
}

/** The Parquet files cached for one view instance (docs/lakehouse.md: cache/views/{set}/{instance}/). */
export function cachedParquet(dataDir: string, viewSet: string, instanceId: string): string[] {
  const dir = join(dataDir, 'cache/views', viewSet, instanceId);
  if (!existsSync(dir)) throw new Error(`no cached partition under ${dir}`);
  return readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort().map((f) => join(dir, f));
}

export async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/** A SQL literal of a µs timestamp, as a timestamptz. */
export const tsLiteral = (us: number): string => `TIMESTAMPTZ '${new Date(us / 1000).toISOString()}'`;

/** `level|target|count` lines, sorted: the results of two engines are compared on it. */
export function groupKey(rows: Array<Record<string, unknown>>): string {
  return rows.map((r) => Object.values(r).map(String).join('|')).sort().join('\n');
}

/** Other work on a shared machine moves these figures: the load when the run began is recorded with them. */
export function loadNote(): string {
  const [one, five] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `- Load average when the run began: ${one} (1 min), ${five} (5 min)`;
}
