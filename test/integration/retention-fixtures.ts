import pg from 'pg';
import { expect } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import type { Config } from '../../src/config/config.js';
import type { BlockRow, Catalog } from '../../src/datalake/catalog/index.js';
import { createTestSchema, type TestSchema } from '../helpers/pg.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/** Shared by the retention and tail-sampling tests: servers on either catalog, old telemetry, expectations. */
export const DAY_US = 86_400_000_000;
export const HOUR_US = 3_600_000_000;
export type CatalogKind = 'sqlite' | 'postgres';
export const CATALOG_KINDS: CatalogKind[] = ['sqlite', 'postgres'];

export interface RetentionServer {
  server: TestServer;
  schema?: TestSchema;
  close(): Promise<void>;
}

/** A server with no maintenance loop (tests decide when retention runs) and no grace period, on the catalog of `kind`. */
export async function startRetentionServer(kind: CatalogKind, overrides: Partial<Config> = {}): Promise<RetentionServer> {
  const schema = kind === 'postgres' ? await createTestSchema('sirius_ret') : undefined;
  const server = await startTestServer({ maintenanceIntervalMs: 0, retiredGraceMs: 0, catalogUrl: schema?.url ?? '', ...overrides });
  return {
    server,
    schema,
    async close() {
      await server.close();
      await schema?.drop();
    },
  };
}

/** One process of logs, metrics and spans whose events lie `daysAgo` days before now, over an hour. */
export async function sendProcess(server: TestServer, daysAgo: number, seed: number, sizes: { logs?: number; metrics?: number; spans?: number } = {}): Promise<string> {
  const sent = await generate({
    url: server.ingestUrl, processes: 1, logEvents: sizes.logs ?? 300, metricEvents: sizes.metrics ?? 100, spanEvents: sizes.spans ?? 100,
    startUs: Date.now() * 1000 - daysAgo * DAY_US, durationUs: HOUR_US, seed, timeoutMs: 30_000, blockEvents: 64,
  });
  expect(sent.acknowledged).toBe(true);
  return sent.processIds[0];
}

/** Every block of the catalog with its stream's tags. */
export async function allBlocks(catalog: Catalog): Promise<(BlockRow & { tags: string[] })[]> {
  const tags = new Map((await catalog.listStreams()).map((s) => [s.stream_id, s.tags]));
  return (await catalog.listBlocks()).map((b) => ({ ...b, tags: tags.get(b.stream_id)! }));
}

/**
 * The rule of docs/retention.md, written out independently of the code: a block is expired when its
 * end_time is older than its stream kind's retention (the longest when it has several kinds; spans are
 * `cpu` and `async` streams), unless its process is kept.
 */
export function expectedExpired(blocks: (BlockRow & { tags: string[] })[], maxAgeDays: { log: number; metrics: number; spans: number }, kept: Set<string>, nowUs: number): Set<string> {
  const ages: number[] = [];
  const out = new Set<string>();
  for (const b of blocks) {
    ages.length = 0;
    if (b.tags.includes('log')) ages.push(maxAgeDays.log);
    if (b.tags.includes('metrics')) ages.push(maxAgeDays.metrics);
    if (b.tags.includes('cpu') || b.tags.includes('async')) ages.push(maxAgeDays.spans);
    const age = ages.length > 0 ? Math.max(...ages) : Math.max(maxAgeDays.log, maxAgeDays.metrics, maxAgeDays.spans);
    if (!kept.has(b.process_id) && b.end_time < nowUs - age * DAY_US) out.add(b.block_id);
  }
  return out;
}

export async function expectSqlError(c: pg.Client, sql: string, code: string, message: RegExp): Promise<void> {
  const err = await c.query(sql).then(() => null, (e: unknown) => e);
  expect(err, sql).toBeInstanceOf(pg.DatabaseError);
  expect((err as pg.DatabaseError).code, `${sql}: ${(err as Error).message}`).toBe(code);
  expect((err as Error).message).toMatch(message);
  expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
}

/** Runs a query and collects its NOTICE messages. */
export async function withNotices(c: pg.Client, sql: string): Promise<{ rows: Record<string, unknown>[]; notices: string[] }> {
  const notices: string[] = [];
  const onNotice = (n: { message?: string }): void => void notices.push(n.message ?? '');
  c.on('notice', onNotice);
  try {
    const r = await c.query(sql);
    return { rows: r.rows, notices };
  } finally {
    c.off('notice', onNotice);
  }
}
