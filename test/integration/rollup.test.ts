import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendProcess, startRetentionServer, type RetentionServer } from './retention-fixtures.js';

/**
 * Counts of logs by level/target/process over whole minutes are answered from log_stats
 * (src/sql/rollup-rewrite.ts). They must equal the same counts over log_entries: each random
 * statement is compared with its twin that a condition on msg (always true) keeps on log_entries.
 */
const MINUTE_US = 60_000_000;
let rs: RetentionServer;
let client: pg.Client;
let span: { first: number; last: number };

/** A deterministic pseudo-random sequence (the statements are reproducible from the seed). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const iso = (us: number): string => new Date(us / 1000).toISOString();

function statements(seed: number, n: number): string[] {
  const r = random(seed);
  const keys = ['level', 'target', 'process_id'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const chosen = keys.filter(() => r() < 0.5);
    const minutes = Math.floor((span.last - span.first) / MINUTE_US) + 2;
    const a = Math.floor(span.first / MINUTE_US) * MINUTE_US + Math.floor(r() * minutes) * MINUTE_US;
    const b = a + (1 + Math.floor(r() * 90)) * MINUTE_US;
    const where = [`time >= '${iso(a)}'`, `time < '${iso(b)}'`];
    if (r() < 0.3) where.push(`level <= ${1 + Math.floor(r() * 6)}`);
    if (r() < 0.2) where.splice(r() < 0.5 ? 0 : 1, 1); // one-sided ranges too
    const select = [...chosen, 'count(*) AS n'].join(', ');
    const group = chosen.length > 0 ? ` GROUP BY ${chosen.join(', ')}` : '';
    out.push(`SELECT ${select} FROM log_entries WHERE ${where.join(' AND ')}${group}`);
  }
  return out;
}

const sorted = async (sql: string): Promise<unknown[]> => (await client.query({ text: `${sql} ORDER BY ALL`, rowMode: 'array' })).rows;
const logStatsPartitions = async (): Promise<number> => (await client.query("SELECT count(*)::INTEGER AS n FROM list_partitions('log_stats')")).rows[0].n;

async function expectSameCounts(seed: number): Promise<void> {
  for (const sql of statements(seed, 25)) {
    const twin = sql.replace(' WHERE ', ' WHERE msg IS NOT NULL AND ');
    expect(await sorted(sql), sql).toEqual(await sorted(twin));
  }
}

describe('counting logs from log_stats', () => {
  beforeAll(async () => {
    rs = await startRetentionServer('sqlite');
    await sendProcess(rs.server, 0.2, 71, { logs: 900, metrics: 0, spans: 0 });
    await sendProcess(rs.server, 0.21, 72, { logs: 700, metrics: 0, spans: 0 });
    client = await rs.server.client();
    await client.query("SET TimeZone = 'UTC'");
    const r = (await client.query('SELECT (epoch_us(min(time)))::BIGINT AS first, (epoch_us(max(time)))::BIGINT AS last FROM log_entries WHERE msg IS NOT NULL')).rows[0];
    span = { first: Number(r.first), last: Number(r.last) };
  });
  afterAll(async () => {
    await client?.end();
    await rs?.close();
  });

  it('answers whole-minute counts from log_stats, with the counts of log_entries', async () => {
    expect(await logStatsPartitions()).toBe(0);
    const hour = `time >= '${iso(Math.floor(span.first / MINUTE_US) * MINUTE_US)}' AND time < '${iso(Math.ceil(span.last / MINUTE_US) * MINUTE_US + MINUTE_US)}'`;
    const total = await client.query(`SELECT count(*) FROM log_entries WHERE ${hour}`);
    expect(total.rows).toEqual([{ count: '1600' }]);
    expect(total.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['count', 20]]);
    expect(await logStatsPartitions()).toBeGreaterThan(0); // it was read, so built
    await expectSameCounts(1);
  });

  it('still does after more blocks arrive', async () => {
    await sendProcess(rs.server, 0.205, 73, { logs: 500, metrics: 0, spans: 0 });
    await expectSameCounts(2);
    expect((await client.query('SELECT count(*)::INTEGER AS n FROM log_entries')).rows).toEqual([{ n: 2100 }]);
  });

  it('keeps the statement’s own column names and an empty range’s zero', async () => {
    const r = await client.query("SELECT level AS lvl, count(*) FROM log_entries WHERE time >= '2001-01-01' AND time < '2001-01-02' GROUP BY 1");
    expect(r.fields.map((f) => f.name)).toEqual(['lvl', 'count']);
    expect(r.rows).toEqual([]);
    const zero = await client.query("SELECT count(*) AS n FROM log_entries WHERE time >= '2001-01-01' AND time < '2001-01-02'");
    expect(zero.rows).toEqual([{ n: '0' }]);
  });
});
