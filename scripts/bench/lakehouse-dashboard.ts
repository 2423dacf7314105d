/**
 * Dashboard latency (issue 4, goal: median ≤ 50 ms):
 *   npm run build && npx tsx scripts/bench/lakehouse-dashboard.ts [processes=10] [logsPerProcess=1000000] [runs=20]
 *
 * P × L generated logs over 24 hours; a Grafana-style time series (one-minute buckets
 * of count(*), `time BETWEEN` the last hour of the data, as `$__timeFilter` expands) on
 * the global log_entries view, warm (one run first), median of `runs`. For what
 * dominates, the same statement on DuckDB in this process over the cached Parquet files.
 * Writes docs/benchmarks.md section "lakehouse-dashboard".
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { fmt, machine, median, recordSection } from './lib.js';
import { cachedParquet, elapsedMs, HOUR_US, loadNote, siriusWithLogs, START_US } from './lakehouse-common.js';

const PROCESSES = Number(process.argv[2] ?? 10);
const LOGS = Number(process.argv[3] ?? 1_000_000);
const RUNS = Number(process.argv[4] ?? 20);
const DURATION_US = 24 * HOUR_US;
const load = loadNote();

const iso = (us: number): string => new Date(us / 1000).toISOString();
const end = START_US + DURATION_US;
// Exactly what Grafana's PostgreSQL data source sends for
//   SELECT $__timeGroupAlias(time, '1m'), count(*) AS value FROM log_entries AS t WHERE $__timeFilter(t.time) GROUP BY 1 ORDER BY 1
// (pkg/tsdb/grafana-postgresql-datasource/macros.go: floor(extract(epoch from col)/60)*60 AS "time", col BETWEEN '…' AND '…')
const sql = (from: string): string => `SELECT floor(extract(epoch from time)/60)*60 AS "time", count(*) AS value FROM ${from} AS t
WHERE t.time BETWEEN '${iso(end - HOUR_US)}' AND '${iso(end)}' GROUP BY 1 ORDER BY 1`;

const s = await siriusWithLogs(PROCESSES, LOGS, DURATION_US);
try {
  const cold = await elapsedMs(() => s.client.query(sql('log_entries')));
  const result = (await s.client.query(sql('log_entries'))).rows;
  const rowsInRange = result.reduce((n, r) => n + Number(r.value), 0);
  const files = cachedParquet(s.sirius.dataDir, 'log_entries', 'global');
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const duckSql = sql(`read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`);
  await duck.run(duckSql);
  const ts = { sirius: [] as number[], duck: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    ts.sirius.push(await elapsedMs(() => s.client.query(sql('log_entries'))));
    ts.duck.push(await elapsedMs(() => duck.runAndReadAll(duckSql)));
  }
  duck.closeSync();
  const m = { sirius: median(ts.sirius), duck: median(ts.duck) };
  console.log({ generateSeconds: s.generateSeconds, cold, files: files.length, buckets: result.length, rowsInRange, medians: m });
  recordSection('lakehouse-dashboard', `## Lakehouse: dashboard latency (issue 4)

\`npm run build && npx tsx scripts/bench/lakehouse-dashboard.ts ${PROCESSES} ${LOGS} ${RUNS}\` — ${fmt(PROCESSES * LOGS)} logs
(\`sirius generate\`: ${PROCESSES} processes × ${fmt(LOGS)} over 24 hours), a Grafana-style series on the warm global
\`log_entries\` view, the SQL Grafana's PostgreSQL data source sends for \`$__timeGroupAlias(time, '1m')\` and
\`$__timeFilter(t.time)\`: \`SELECT floor(extract(epoch from time)/60)*60 AS "time", count(*) AS value FROM log_entries AS t
WHERE t.time BETWEEN '<end − 1 h>' AND '<end>' GROUP BY 1 ORDER BY 1\` — ${result.length} buckets, ${fmt(rowsInRange)} rows counted,
${files.length} cached partition file(s); median of ${RUNS} runs. Goal: ≤ 50 ms.

| path | median ms | min ms | max ms |
|---|---:|---:|---:|
| Sirius, warm (node-postgres, simple protocol) | **${fmt(m.sirius, 1)}** | ${fmt(Math.min(...ts.sirius), 1)} | ${fmt(Math.max(...ts.sirius), 1)} |
| DuckDB in-process on the same files (reference) | ${fmt(m.duck, 1)} | ${fmt(Math.min(...ts.duck), 1)} | ${fmt(Math.max(...ts.duck), 1)} |

Goal ${m.sirius <= 50 ? 'met' : 'not met'}. Cold first query (materializing the global view): ${fmt(cold)} ms.

${machine()}
${load}`);
} finally {
  await s.close();
}
