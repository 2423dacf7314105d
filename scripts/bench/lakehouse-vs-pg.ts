/**
 * Analytics against PostgreSQL (issue 4, goal: Sirius ≥ 10× faster):
 *   npm run build && npx tsx scripts/bench/lakehouse-vs-pg.ts [processes=10] [logsPerProcess=1000000] [runs=5]
 *
 * P × L generated logs over 24 hours in Sirius; the same rows (time, level, target,
 * msg, process_id), exported by DuckDB from the global view's cached Parquet files to
 * CSV, COPYed into a PostgreSQL 15 table with an index on time. `count(*) by level,
 * target` over one hour and over all time, both warm (one run first), alternating;
 * medians. Sirius answers these counts from log_stats (sql/rollup-rewrite.ts); the same
 * statement with `msg IS NOT NULL` added (always true) is measured too: it scans log_entries.
 * The table and the CSV are removed afterwards.
 * Writes docs/benchmarks.md section "lakehouse-vs-pg".
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { fmt, machine, median, recordSection, REFERENCE_PG } from './lib.js';
import { cachedParquet, elapsedMs, groupKey, HOUR_US, loadNote, siriusWithLogs, START_US, tsLiteral } from './lakehouse-common.js';

const PROCESSES = Number(process.argv[2] ?? 10);
const LOGS = Number(process.argv[3] ?? 1_000_000);
const RUNS = Number(process.argv[4] ?? 5);
const TABLE = 'lakehouse_bench_logs';
const load = loadNote();

const hourFrom = START_US + 12 * HOUR_US;
const QUERIES = [
  { name: 'one hour', where: `WHERE time >= ${tsLiteral(hourFrom)} AND time < ${tsLiteral(hourFrom + HOUR_US)}` },
  { name: 'all time', where: '' },
];
const sql = (from: string, where: string): string => `SELECT level, target, count(*) AS n FROM ${from} ${where} GROUP BY level, target`;
/** The same counts, kept on log_entries by a condition on msg (always true): the scan the rollup avoids. */
const scanSql = (where: string): string => sql('log_entries', where === '' ? 'WHERE msg IS NOT NULL' : `${where} AND msg IS NOT NULL`);

/** The rows of the global view's files as CSV, by DuckDB (UTC timestamps PostgreSQL reads as is). */
async function exportCsv(files: string[], csv: string): Promise<void> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(`SET TimeZone = 'UTC'`);
  await duck.run(`COPY (SELECT time, level, target, msg, process_id FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}])) TO '${csv}' (FORMAT csv, HEADER false)`);
  duck.closeSync();
}

async function loadPostgres(ref: pg.Client, csv: string): Promise<void> {
  await ref.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await ref.query(`CREATE TABLE ${TABLE} (time timestamptz NOT NULL, level integer NOT NULL, target text NOT NULL, msg text NOT NULL, process_id text NOT NULL)`);
  execFileSync('psql', ['-h', REFERENCE_PG.host, '-p', String(REFERENCE_PG.port), '-U', REFERENCE_PG.user, '-d', REFERENCE_PG.database, '-v', 'ON_ERROR_STOP=1',
    '-c', `\\copy ${TABLE} FROM '${csv}' WITH (FORMAT csv)`], { stdio: ['ignore', 'ignore', 'inherit'] });
  await ref.query(`CREATE INDEX ON ${TABLE} (time)`);
  await ref.query(`VACUUM ANALYZE ${TABLE}`);
}

const s = await siriusWithLogs(PROCESSES, LOGS, 24 * HOUR_US);
const ref = new pg.Client(REFERENCE_PG);
const csv = join(tmpdir(), `sirius-bench-logs-${process.pid}.csv`);
try {
  await ref.connect();
  const cold: number[] = [];
  for (const [i, q] of QUERIES.entries()) cold[i] = await elapsedMs(() => s.client.query(sql('log_entries', q.where)));
  const coldScan = await elapsedMs(() => s.client.query(scanSql('')));
  const files = cachedParquet(s.sirius.dataDir, 'log_entries', 'global');
  const t = performance.now();
  await exportCsv(files, csv);
  await loadPostgres(ref, csv);
  const pgLoadMs = performance.now() - t;
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const parquet = `read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`;
  const results = [];
  for (const q of QUERIES) {
    await duck.run(sql(parquet, q.where));
    const a = (await s.client.query(sql('log_entries', q.where))).rows;
    const b = (await ref.query(sql(TABLE, q.where))).rows;
    const c = (await s.client.query(scanSql(q.where))).rows;
    if (groupKey(a) !== groupKey(b) || groupKey(c) !== groupKey(b)) throw new Error(`${q.name}: results differ:\n${groupKey(a)}\n--\n${groupKey(c)}\n--\n${groupKey(b)}`);
    const rows = a.reduce((n, r) => n + Number(r.n), 0);
    const ts = { sirius: [] as number[], scan: [] as number[], pg: [] as number[], duck: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      ts.sirius.push(await elapsedMs(() => s.client.query(sql('log_entries', q.where))));
      ts.scan.push(await elapsedMs(() => s.client.query(scanSql(q.where))));
      ts.pg.push(await elapsedMs(() => ref.query(sql(TABLE, q.where))));
      ts.duck.push(await elapsedMs(() => duck.runAndReadAll(sql(parquet, q.where))));
    }
    const plan = (await ref.query(`EXPLAIN ${sql(TABLE, q.where)}`)).rows.map((r) => r['QUERY PLAN'] as string);
    results.push({ q, rows, sirius: median(ts.sirius), scan: median(ts.scan), pg: median(ts.pg), duck: median(ts.duck), plan });
  }
  duck.closeSync();
  console.log({ generateSeconds: s.generateSeconds, cold, pgLoadMs, files: files.length, results });
  const table = results
    .map((r) => `| ${r.q.name} | ${fmt(r.rows)} | ${fmt(r.sirius, 1)} | ${fmt(r.pg, 1)} | **${(r.pg / r.sirius).toFixed(1)}×** | ${fmt(r.scan, 1)} (${(r.pg / r.scan).toFixed(1)}×) | ${fmt(r.duck, 1)} |`)
    .join('\n');
  const met = results.every((r) => r.pg / r.sirius >= 10);
  recordSection('lakehouse-vs-pg', `## Lakehouse: analytics against PostgreSQL (issue 4)

\`npm run build && npx tsx scripts/bench/lakehouse-vs-pg.ts ${PROCESSES} ${LOGS} ${RUNS}\` — ${fmt(PROCESSES * LOGS)} logs
(\`sirius generate\`: ${PROCESSES} processes × ${fmt(LOGS)}, over 24 hours; ${s.generateSeconds.toFixed(1)} s to ingest), queried
through the global \`log_entries\` view (${files.length} cached partition file(s)), against the same rows (time,
level, target, msg, process_id) COPYed into a PostgreSQL 15 table with an index on \`time\` (VACUUM ANALYZE'd;
default settings: shared_buffers 128MB, 2 parallel workers per gather). Query:
\`SELECT level, target, count(*) FROM … [WHERE time >= … AND time < …] GROUP BY level, target\`, same results checked,
both warm, median of ${RUNS} alternating runs. Sirius answers these counts from \`log_stats\` (docs/lakehouse.md,
"Rollup"); the column "scanning log_entries" is the same statement with \`AND msg IS NOT NULL\` (always true), which
keeps it on the rows, and the last column that scan on DuckDB in the benchmark process over the cached files (how
much of it is the engine's own). Goal: Sirius ≥ 10× faster.

| range | rows counted | Sirius ms | PostgreSQL ms | PostgreSQL / Sirius | Sirius scanning log_entries, ms (ratio) | DuckDB in-process on the log_entries files, ms |
|---|---:|---:|---:|---:|---:|---:|
${table}

Goal ${met ? 'met' : 'not met'}. Cold first queries through Sirius (materializing log_stats): ${cold.map((c) => fmt(c)).join(' ms, ')} ms;
materializing log_entries: ${fmt(coldScan)} ms.
PostgreSQL plans: ${results.map((r) => `${r.q.name}: \`${r.plan.find((l) => /Scan/.test(l))?.trim() ?? r.plan[0]}\``).join('; ')}.

${machine()}
${load}`);
} finally {
  await ref.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await ref.end();
  rmSync(csv, { force: true });
  await s.close();
}
