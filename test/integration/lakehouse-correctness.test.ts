import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateOptions } from '../../src/cli/generate.js';
import { decodeBlock } from '../../src/datalake/block/index.js';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * The lakehouse against a reference implementation: every block is decoded
 * here in plain TypeScript and filtered by hand, and Sirius must give the
 * same counts, sums and time bounds for seeded random queries — for global
 * views and view instances, with and without time ranges, before and after
 * more blocks arrive.
 */
interface LogEvent { processId: string; time: number; level: number; target: string; msg: string }
interface Measure { processId: string; time: number; name: string; value: number }

let server: TestServer;
let client: pg.Client;
const START = Date.UTC(2026, 0, 1) * 1000;
const HOUR = 3_600_000_000;

async function reference(s: TestServer): Promise<{ logs: LogEvent[]; measures: Measure[] }> {
  const { catalog, objectStore } = s.sirius.ingest;
  const logs: LogEvent[] = [];
  const measures: Measure[] = [];
  for (const b of await catalog.listBlocks({})) {
    const stream = await catalog.getStream(b.stream_id);
    const block = decodeBlock(await objectStore.get(blobKey(b.process_id, b.stream_id, b.block_id)), stream as never);
    const str = (i: number): string => block.strings[i];
    const l = block.logs;
    if (l) for (let i = 0; i < l.count; i++) logs.push({ processId: b.process_id, time: l.time[i], level: l.level[i], target: str(l.target[i]), msg: str(l.msg[i]) });
    const m = block.metrics;
    if (m) for (let i = 0; i < m.count; i++) measures.push({ processId: b.process_id, time: m.time[i], name: str(m.name[i]), value: m.value[i] });
  }
  return { logs, measures };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const opts = (seed: number, processes: number): GenerateOptions => ({
  url: server.ingestUrl, processes, logEvents: 1200, metricEvents: 600, spanEvents: 50,
  startUs: START, durationUs: HOUR, seed, timeoutMs: 30_000, blockEvents: 256,
});

beforeAll(async () => {
  server = await startTestServer();
  const first = await generate(opts(1, 3));
  expect(first.acknowledged).toBe(true);
  client = await server.client();
  await client.query("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

const iso = (us: number): string => new Date(us / 1000).toISOString();

async function compareRandomQueries(seed: number): Promise<void> {
  const ref = await reference(server);
  const rand = rng(seed);
  const processes = [...new Set(ref.logs.map((e) => e.processId))];
  let compared = 0;
  for (let q = 0; q < 12; q++) {
    const a = START + Math.floor(rand() * HOUR);
    const b = a + Math.floor(rand() * (START + HOUR - a)) + 1;
    const inRange = (t: number): boolean => t >= a && t < b;
    // global view with a range: count, level sum and time bounds per process
    const r = await client.query(
      'SELECT process_id, count(*)::INTEGER AS n, sum(level)::INTEGER AS lv, epoch_us(min(time)) AS lo, epoch_us(max(time)) AS hi FROM log_entries WHERE time >= $1 AND time < $2 GROUP BY 1 ORDER BY 1',
      [iso(a), iso(b)],
    );
    const expected = processes.sort().map((p) => {
      const evs = ref.logs.filter((e) => e.processId === p && inRange(Math.floor(e.time)));
      return { process_id: p, n: evs.length, lv: evs.reduce((s, e) => s + e.level, 0), lo: evs.length ? Math.min(...evs.map((e) => Math.floor(e.time))) : null, hi: evs.length ? Math.max(...evs.map((e) => Math.floor(e.time))) : null };
    }).filter((x) => x.n > 0);
    expect(r.rows.map((x) => ({ ...x, lo: Number(x.lo), hi: Number(x.hi) })), `range ${iso(a)}..${iso(b)}`).toEqual(expected);
    compared += expected.reduce((s, x) => s + x.n, 0);
    // a view instance, by level and target
    const p = processes[Math.floor(rand() * processes.length)];
    const vi = await client.query(
      `SELECT level, target, count(*)::INTEGER AS n FROM view_instance('log_entries', '${p}') WHERE time BETWEEN $1 AND $2 GROUP BY ALL ORDER BY ALL`,
      [iso(a), iso(b)],
    );
    const counts = new Map<string, number>();
    for (const e of ref.logs) if (e.processId === p && Math.floor(e.time) >= a && Math.floor(e.time) <= b) counts.set(`${e.level}|${e.target}`, (counts.get(`${e.level}|${e.target}`) ?? 0) + 1);
    const exp = [...counts].map(([k, n]) => ({ level: Number(k.split('|')[0]), target: k.split('|')[1], n })).sort((x, y) => x.level - y.level || x.target.localeCompare(y.target));
    expect(vi.rows).toEqual(exp);
    // measures: sum of values by name
    const m = await client.query('SELECT name, sum(value) AS total, count(*)::INTEGER AS n FROM measures WHERE time >= $1 AND time < $2 GROUP BY 1 ORDER BY 1', [iso(a), iso(b)]);
    const sums = new Map<string, { total: number; n: number }>();
    for (const e of ref.measures) {
      if (!inRange(Math.floor(e.time))) continue;
      const s = sums.get(e.name) ?? { total: 0, n: 0 };
      s.total += e.value;
      s.n++;
      sums.set(e.name, s);
    }
    expect(m.rows).toEqual([...sums].sort(([x], [y]) => x.localeCompare(y)).map(([name, s]) => ({ name, total: s.total, n: s.n })));
  }
  // the random ranges must have selected real rows, or the comparison proves nothing
  expect(compared).toBeGreaterThan(1000);
}

describe('lakehouse against a reference implementation', () => {
  it('gives the generator exact counts: P·L rows, levels cycling 1..6', async () => {
    const total = await client.query('SELECT count(*)::INTEGER AS n FROM log_entries');
    expect(total.rows).toEqual([{ n: 3 * 1200 }]);
    const levels = await client.query('SELECT level, count(*)::INTEGER AS n FROM log_entries GROUP BY 1 ORDER BY 1');
    expect(levels.rows).toEqual([1, 2, 3, 4, 5, 6].map((level) => ({ level, n: 3 * 200 })));
    const m = await client.query("SELECT count(*)::INTEGER AS n FROM measures WHERE name = 'cpu_usage'");
    expect(m.rows).toEqual([{ n: 3 * 300 }]);
  });

  it('reports builds as NOTICE progress, and stays quiet when partitions are warm', async () => {
    const notices: string[] = [];
    const listener = (n: { message?: string }): void => void notices.push(n.message ?? '');
    client.on('notice', listener);
    try {
      const pid = (await client.query('SELECT process_id FROM processes ORDER BY 1 LIMIT 1')).rows[0].process_id;
      notices.length = 0;
      await client.query(`SELECT count(*) FROM view_instance('measures', '${pid}')`);
      expect(notices.some((m) => /measures\/.*to build/.test(m))).toBe(true);
      notices.length = 0;
      await client.query(`SELECT count(*) FROM view_instance('measures', '${pid}')`);
      expect(notices).toEqual([]);
    } finally {
      client.off('notice', listener);
    }
  });

  it('matches the reference on random ranges, global and per instance', async () => {
    await compareRandomQueries(11);
  });

  it('matches again after more blocks arrive, and re-prepares a warm statement only then', async () => {
    const engine = server.sirius.engine;
    const countSql = 'SELECT count(*)::INTEGER AS n FROM log_entries WHERE level <= $1';
    const run = async (): Promise<number> => (await client.query({ text: countSql, values: [6] })).rows[0].n;
    // the first runs may build partitions and bind their files
    expect(await run()).toBe(3 * 1200);
    expect(await run()).toBe(3 * 1200);
    // warm: same files bound, so neither Parse (statement cache) nor Execute (bound statement) prepares again
    const before = engine.counters.prepares;
    for (let i = 0; i < 5; i++) expect(await run()).toBe(3 * 1200);
    expect(engine.counters.prepares - before).toBe(0);
    const more = await generate(opts(2, 2));
    expect(more.acknowledged).toBe(true);
    // new blocks: new partition files, so the statement is prepared over them and sees every row
    const afterIngest = engine.counters.prepares;
    expect(await run()).toBe(5 * 1200);
    expect(engine.counters.prepares - afterIngest).toBeGreaterThan(0);
    const total = await client.query('SELECT count(*)::INTEGER AS n FROM log_entries');
    expect(total.rows).toEqual([{ n: 5 * 1200 }]);
    await compareRandomQueries(12);
  });
});
