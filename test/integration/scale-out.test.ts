import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateOptions, type GenerateResult } from '../../src/cli/generate.js';
import { defaultConfig } from '../../src/config/config.js';
import { readBlockMeta } from '../../src/datalake/block/index.js';
import { blobKey, openObjectStore, type ObjectStore } from '../../src/datalake/objectstore/index.js';
import { createTestSchema, type TestSchema } from '../helpers/pg.js';
import { spawnNode, startIngestProxy, type IngestProxy, type NodeProcess } from '../helpers/scale-out.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { logBlock, post, processBody, streamBody } from '../unit/ingest/helpers.js';

/**
 * Scale-out on one machine (issue 7): PostgreSQL (127.0.0.1:5432, a schema of its own) as the
 * catalog, s3rver as the object store, and five `sirius serve --roles …` processes: two ingest
 * nodes, two query nodes (pgwire) and one maintenance node. Generated telemetry goes to both
 * ingest nodes at once (the second through a failing-over proxy, as behind a load balancer); one
 * ingest node and one query node are killed with SIGKILL mid-run.
 */
let s3: S3rverHandle;
let schema: TestSchema;
let objects: ObjectStore;
let ingest: NodeProcess[] = [];
let query: NodeProcess[] = [];
let maintain: NodeProcess;
let proxy: IngestProxy;

const P = 2;
const L = 6000;
const M = 4000;
const S = 1500;
const BLOCK_EVENTS = 250;

beforeAll(async () => {
  [s3, schema] = await Promise.all([startS3rver(), createTestSchema('sirius_scale')]);
  const env = {
    ...s3.env,
    SIRIUS_CATALOG_URL: schema.url,
    SIRIUS_OBJECT_STORE: `s3://${s3.bucket}/lake`,
    SIRIUS_S3_ENDPOINT: s3.endpoint,
    SIRIUS_S3_FORCE_PATH_STYLE: 'true',
    SIRIUS_MEMORY_LIMIT: '512MB',
    SIRIUS_RETENTION_INTERVAL_MS: '0',
  };
  objects = openObjectStore(defaultConfig({ ...s3.config('lake') }), { s3Credentials: s3.credentials });
  // The first node migrates the schema; the others find it done (migrations take an advisory lock too).
  maintain = await spawnNode('maintain', { ...env, SIRIUS_MAINTENANCE_INTERVAL_MS: '1000' });
  [ingest, query] = await Promise.all([
    Promise.all([spawnNode('ingest', env), spawnNode('ingest', env)]),
    Promise.all([spawnNode('pgwire', env), spawnNode('pgwire', env)]),
  ]);
  proxy = await startIngestProxy([ingest[1].ingestUrl, ingest[0].ingestUrl]);
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all([...ingest, ...query, maintain].filter(Boolean).map((n) => n.stop()));
  await objects?.close();
  await schema?.drop();
  await s3?.stop();
});

const options = (url: string, seed: number): GenerateOptions => ({
  url,
  processes: P,
  logEvents: L,
  metricEvents: M,
  spanEvents: S,
  startUs: Date.parse('2026-01-01T00:00:00Z') * 1000,
  durationUs: 3_600_000_000,
  seed,
  timeoutMs: 60_000,
  blockEvents: BLOCK_EVENTS,
});

const listFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rows(node: NodeProcess, sql: string): Promise<Record<string, unknown>[]> {
  const c = await node.client();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Everything the test checks exactly, as one object per query node. */
async function answers(node: NodeProcess, processIds: string[], cpuStreams: string[]): Promise<unknown> {
  const perProcess = await Promise.all(
    processIds.map(async (id) => ({
      logs: await rows(node, `SELECT level, count(*)::int AS n FROM view_instance('log_entries', '${id}') GROUP BY level ORDER BY level`),
      metrics: await rows(node, `SELECT name, count(*)::int AS n, sum(value)::int8::text AS total FROM view_instance('measures', '${id}') GROUP BY name ORDER BY name`),
    })),
  );
  const spans = await Promise.all(cpuStreams.map((id) => rows(node, `SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM view_instance('thread_spans', '${id}')`)));
  return {
    logs: await rows(node, 'SELECT count(*)::int AS n FROM log_entries'),
    measures: await rows(node, 'SELECT count(*)::int AS n FROM measures'),
    processes: await rows(node, "SELECT count(*)::int AS n FROM processes WHERE exe LIKE 'generator-%'"),
    perProcess,
    spans,
  };
}

/** What the generator's spec says the answers are (src/cli/generate.ts): log i has level (i mod 6)+1, metric i value i. */
function expected(processes: number): unknown {
  const levels = Array.from({ length: 6 }, (_, k) => ({ level: k + 1, n: Array.from({ length: L }, (_, i) => i).filter((i) => i % 6 === k).length }));
  const sumOf = (parity: number): string => String(Array.from({ length: M }, (_, i) => i).filter((i) => i % 2 === parity).reduce((a, b) => a + b, 0));
  const metrics = [
    { name: 'cpu_usage', n: Math.ceil(M / 2), total: sumOf(0) },
    { name: 'mem_usage', n: Math.floor(M / 2), total: sumOf(1) },
  ];
  return {
    logs: [{ n: processes * L }],
    measures: [{ n: processes * M }],
    processes: [{ n: processes }],
    perProcess: Array.from({ length: processes }, () => ({ logs: levels, metrics })),
    spans: Array.from({ length: processes }, () => [{ n: S, names: 4 }]),
  };
}

describe('scale-out: 2 ingest, 2 query and 1 maintenance node on PostgreSQL and S3', () => {
  it('starts each role alone: only query and maintenance nodes load DuckDB', () => {
    const loadsDuckDb = (n: NodeProcess): boolean => readFileSync(`/proc/${n.pid}/maps`, 'utf8').includes('duckdb');
    expect(ingest.map((n) => [n.pgPort, n.ingestUrl !== '', loadsDuckDb(n)])).toEqual([
      [0, true, false],
      [0, true, false],
    ]);
    expect(query.map((n) => [n.pgPort > 0, n.ingestUrl, loadsDuckDb(n)])).toEqual([
      [true, '', true],
      [true, '', true],
    ]);
    expect([maintain.pgPort, maintain.ingestUrl, loadsDuckDb(maintain), /maintenance loop running/.test(maintain.stderr())]).toEqual([0, '', true, true]);
  });

  it('stores a block sent to both ingest nodes at once once: 200 for equal bytes, 409 for other bytes', async () => {
    // A stream tagged for no view: these blocks stay out of the views that the next tests count exactly.
    const proc = processBody();
    const stream = streamBody(proc.process_id as string, { tags: ['race-test'] });
    expect((await post(ingest[0].ingestUrl, '/ingestion/insert_process', JSON.stringify(proc))).status).toBe(200);
    expect((await post(ingest[1].ingestUrl, '/ingestion/insert_stream', JSON.stringify(stream))).status).toBe(200);
    const [processId, streamId] = [proc.process_id as string, stream.stream_id as string];
    for (let i = 0; i < 15; i++) {
      const same = logBlock(processId, streamId, 3, i * 10);
      const both = await Promise.all(ingest.map((n) => post(n.ingestUrl, '/ingestion/insert_block', same)));
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      expect(both.map((r) => r.json.status).sort()).toEqual(['duplicate', 'inserted']);

      const { blockId } = readBlockMeta(same);
      const id = randomUUID();
      const a = logBlock(processId, streamId, 3, 1000 + i * 10, id);
      const b = logBlock(processId, streamId, 4, 1000 + i * 10, id);
      const [ra, rb] = await Promise.all([post(ingest[0].ingestUrl, '/ingestion/insert_block', a), post(ingest[1].ingestUrl, '/ingestion/insert_block', b)]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      const winner = ra.status === 200 ? a : b;
      expect((await objects.get(blobKey(processId, streamId, id))).equals(winner)).toBe(true);
      const row = await schema.query(`SELECT payload_size::int AS size, nb_objects FROM "${schema.schema}".blocks WHERE block_id = $1`, [id]);
      expect(row.rows).toEqual([{ size: winner.length, nb_objects: winner === a ? 3 : 4 }]);
      expect((await objects.get(blobKey(processId, streamId, blockId))).equals(same)).toBe(true);
    }
    const stored = await schema.query(`SELECT count(*)::int AS n FROM "${schema.schema}".blocks WHERE process_id = $1`, [processId]);
    expect(stored.rows).toEqual([{ n: 30 }]);
  }, 60_000);

  let results: GenerateResult[] = [];

  it('ingests through both nodes while both query nodes answer; an ingest node killed mid-run loses no acknowledged block', async () => {
    let ingesting = true;
    const polls: number[][] = [[], []];
    const poll = query.map(async (node, i) => {
      while (ingesting) {
        polls[i].push(Number((await rows(node, 'SELECT count(*)::int AS n FROM log_entries'))[0].n));
        await sleep(200);
      }
    });
    // Killed as the proxy relays its 40th acknowledgement: the generator's later blocks (and retries) fail over.
    const killed = new Promise<void>((resolve) => (proxy.onAcknowledged = (n) => n === 40 && void ingest[1].kill().then(resolve)));
    try {
      results = await Promise.all([generate(options(ingest[0].ingestUrl, 1)), generate(options(proxy.url, 2))]);
    } finally {
      ingesting = false;
    }
    await Promise.all([...poll, killed]);
    expect(ingest[1].exited()).toBe(true);
    // The killed node had answered part of the proxied blocks; the rest went to the surviving one.
    expect(proxy.served[0]).toBeGreaterThan(0);
    expect(proxy.served[1]).toBeGreaterThan(0);
    expect(results.map((r) => [r.acknowledged, r.sentEvents])).toEqual([
      [true, P * (L + M + 2 * S)],
      [true, P * (L + M + 2 * S)],
    ]);
    expect(polls.every((p) => p.length > 0 && p.every((n) => n <= 2 * P * L))).toBe(true);

    // Every block acknowledged through the proxy is in the catalog, with its bytes in the bucket.
    const acked = [...proxy.acknowledged.values()];
    const found = await schema.query(`SELECT block_id::text AS id, process_id::text AS p, stream_id::text AS s FROM "${schema.schema}".blocks WHERE block_id = ANY ($1::uuid[])`, [acked.map((a) => a.blockId)]);
    expect(found.rows.length).toBe(acked.length);
    const byId = new Map(found.rows.map((r) => [r.id as string, r]));
    for (const a of acked) {
      const r = byId.get(a.blockId)!;
      expect((await objects.get(blobKey(r.p as string, r.s as string, a.blockId))).equals(a.bytes)).toBe(true);
    }
    const total = await schema.query(`SELECT count(*)::int AS n FROM "${schema.schema}".blocks WHERE process_id = ANY ($1::uuid[])`, [results.flatMap((r) => r.processIds)]);
    expect(total.rows[0].n).toBe(results[0].sentBlocks + results[1].sentBlocks);
  }, 120_000);

  it('answers exactly on both query nodes, cold and warm; a query node killed mid-query leaves the other answering', async () => {
    const processIds = results.flatMap((r) => r.processIds);
    const streams = await rows(query[0], 'SELECT stream_id::text AS id, process_id::text AS p, tags FROM streams');
    const cpuStreams = processIds.map((p) => streams.find((s) => s.p === p && (s.tags as string[]).includes('cpu'))!.id as string);
    const want = expected(processIds.length);

    // Cold (thread_spans and the view instances were never built) and concurrent on both nodes.
    const cold = await Promise.all(query.map((n) => answers(n, processIds, cpuStreams)));
    expect(cold).toEqual([want, want]);
    // Warm: the same, from the local caches.
    const warm = await Promise.all(query.map((n) => answers(n, processIds, cpuStreams)));
    expect(warm).toEqual([want, want]);

    // New view instances of async_events (never built) on both; node 2 is killed while they run.
    const asyncQuery = (n: NodeProcess): Promise<unknown[]> => Promise.all(processIds.map((id) => rows(n, `SELECT count(*)::int AS n FROM view_instance('async_events', '${id}')`)));
    const survivor = asyncQuery(query[0]);
    const victim = asyncQuery(query[1]).then(
      () => 'finished',
      () => 'killed',
    );
    await sleep(50);
    await query[1].kill();
    expect(['finished', 'killed']).toContain(await victim);
    expect(await survivor).toEqual(processIds.map(() => [{ n: 0 }]));
    expect(await answers(query[0], processIds, cpuStreams)).toEqual(want);
  }, 120_000);

  it('builds each partition key once across all nodes, and reuses partitions another node built', async () => {
    const { rows: builds } = await schema.query(
      `SELECT view_set, instance_id, begin_insert_time::text AS b, end_insert_time::text AS e, schema_version, source_count, file_path, node FROM "${schema.schema}".partition_builds`,
    );
    expect(builds.length).toBeGreaterThan(0);
    const perKey = new Map<string, number>();
    for (const b of builds) {
      const key = [b.view_set, b.instance_id, b.b, b.e, b.schema_version, b.source_count].join('|');
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    expect([...perKey.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const pidOf = (node: unknown): string => String(node).split(':').pop()!;
    expect(builds.some((b) => pidOf(b.node) === String(maintain.pid))).toBe(true);
    // The surviving query node's cache holds files that other nodes built: fetched from S3, not rebuilt.
    const cached = new Set(listFiles(join(query[0].dataDir, 'cache')).map((f) => relative(join(query[0].dataDir, 'cache'), f)));
    const builtElsewhere = builds.filter((b) => b.file_path !== null && cached.has(b.file_path as string) && pidOf(b.node) !== String(query[0].pid));
    expect(builtElsewhere.length).toBeGreaterThan(0);
  });
});
