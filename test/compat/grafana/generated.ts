import { generate } from '../../../src/cli/generate.js';
import type { TestServer } from '../../helpers/sirius.js';

/**
 * The generator's known output (src/cli/generate.ts): per process, log i of L at
 * start + ⌊i·duration/L⌋ ns with level (i mod 6)+1; metric i of M at start + ⌊i·duration/M⌋ ns,
 * `cpu_usage` for even i and `mem_usage` for odd i, value i. Tests derive their expectations
 * from these formulas, never from Sirius's answers.
 */
export const START_MS = Date.UTC(2026, 0, 1);
export const DURATION_MS = 3_600_000;
export const SHAPE = { processes: 3, logs: 360, metrics: 120 };

export interface Event { timeMs: number; i: number }

const at = (i: number, n: number): number => START_MS + Math.floor((i * DURATION_MS * 1e6) / n / 1000) / 1000;

export const logEvents = (): (Event & { level: number })[] => Array.from({ length: SHAPE.logs }, (_, i) => ({ i, timeMs: at(i, SHAPE.logs), level: (i % 6) + 1 }));

export const metricEvents = (): (Event & { name: string; value: number })[] =>
  Array.from({ length: SHAPE.metrics }, (_, i) => ({ i, timeMs: at(i, SHAPE.metrics), name: i % 2 === 0 ? 'cpu_usage' : 'mem_usage', value: i }));

/** Sends the data; returns the process ids. */
export async function sendGenerated(server: TestServer): Promise<string[]> {
  const r = await generate({
    url: server.ingestUrl, processes: SHAPE.processes, logEvents: SHAPE.logs, metricEvents: SHAPE.metrics, spanEvents: 0,
    startUs: START_MS * 1000, durationUs: DURATION_MS * 1000, seed: 11, timeoutMs: 30_000, blockEvents: 128,
  });
  if (!r.acknowledged) throw new Error('the generator was not acknowledged');
  return r.processIds;
}

/** Groups by ⌊epoch seconds / width⌋·width, as $__timeGroup does. */
export function bucketOf(timeMs: number, widthS: number): number {
  return Math.floor(timeMs / 1000 / widthS) * widthS;
}
