/**
 * Warm query overhead of the lakehouse (issue 4, goal ≤ 1.2×):
 *   npm run build && npx tsx scripts/bench/lakehouse-overhead.ts [logs=1000000] [runs=20]
 *
 * One process's logs, `count(*) by level, target` over its view_instance, through
 * Sirius (pg client, simple protocol, warm: the first query materializes and is not
 * counted) against DuckDB in this process reading the very Parquet files that query
 * left in the cache. Runs alternate; medians. A `SELECT 1` round trip through Sirius in
 * the same run shows the fixed cost of a statement (wire, session, parsing).
 * Writes docs/benchmarks.md section "lakehouse-overhead".
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { fmt, machine, median, recordSection } from './lib.js';
import { cachedParquet, elapsedMs, groupKey, HOUR_US, loadNote, siriusWithLogs } from './lakehouse-common.js';

const LOGS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 20);
const load = loadNote();
const aggregate = (from: string): string => `SELECT level, target, count(*) AS n FROM ${from} GROUP BY level, target`;

const s = await siriusWithLogs(1, LOGS, HOUR_US);
try {
  const pid = s.processIds[0];
  const siriusSql = aggregate(`view_instance('log_entries', '${pid}')`);
  const cold = await elapsedMs(() => s.client.query(siriusSql));
  const files = cachedParquet(s.sirius.dataDir, 'log_entries', pid);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const duckSql = aggregate(`read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`);
  const viaSirius = (await s.client.query(siriusSql)).rows;
  const direct = (await duck.runAndReadAll(duckSql)).getRowObjectsJS();
  if (groupKey(viaSirius) !== groupKey(direct)) throw new Error(`results differ:\n${groupKey(viaSirius)}\n--\n${groupKey(direct)}`);
  const rows = direct.reduce((n, r) => n + Number(r.n), 0);
  if (rows !== LOGS) throw new Error(`expected ${LOGS} rows in the files, counted ${rows}`);
  // Names the view (resolve, pin, TEMP VIEW, Parquet footers) but reads no row: the per-statement cost of the view.
  const viewOnlySql = `SELECT 1 FROM view_instance('log_entries', '${pid}') LIMIT 0`;
  const t = { sirius: [] as number[], duck: [] as number[], select1: [] as number[], viewOnly: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    t.sirius.push(await elapsedMs(() => s.client.query(siriusSql)));
    t.duck.push(await elapsedMs(() => duck.runAndReadAll(duckSql)));
    t.select1.push(await elapsedMs(() => s.client.query('SELECT 1')));
    t.viewOnly.push(await elapsedMs(() => s.client.query(viewOnlySql)));
  }
  const m = { sirius: median(t.sirius), duck: median(t.duck), select1: median(t.select1), viewOnly: median(t.viewOnly) };
  const minRatio = Math.min(...t.sirius) / Math.min(...t.duck);
  const ratio = m.sirius / m.duck;
  console.log({ cold, files: files.length, medians: m, ratio, minRatio, min: { sirius: Math.min(...t.sirius), duck: Math.min(...t.duck) } });
  recordSection('lakehouse-overhead', `## Lakehouse: warm query overhead (issue 4)

\`npm run build && npx tsx scripts/bench/lakehouse-overhead.ts ${LOGS} ${RUNS}\` — ${fmt(LOGS)} logs of one process
(\`sirius generate\`, 1 hour), \`${aggregate("view_instance('log_entries', '<pid>')")}\` through Sirius
(node-postgres, simple protocol, warm), against DuckDB in the benchmark process running the same aggregate on
\`read_parquet\` of the ${files.length} cached file(s) that query used. Same results checked; median of ${RUNS}
alternating runs. Goal: ≤ 1.2×.

| path | median ms | min ms |
|---|---:|---:|
| Sirius, warm | ${fmt(m.sirius, 1)} | ${fmt(Math.min(...t.sirius), 1)} |
| DuckDB on the Parquet files | ${fmt(m.duck, 1)} | ${fmt(Math.min(...t.duck), 1)} |
| Sirius \`SELECT 1\` (fixed cost of a statement) | ${fmt(m.select1, 1)} | ${fmt(Math.min(...t.select1), 1)} |
| Sirius \`SELECT 1 FROM view_instance(…) LIMIT 0\` (cost of naming the view) | ${fmt(m.viewOnly, 1)} | ${fmt(Math.min(...t.viewOnly), 1)} |

Ratio Sirius / DuckDB of the medians: **${ratio.toFixed(2)}×** (goal ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'not met'}); of the
minimums: ${minRatio.toFixed(2)}×. Cold first query
(materializing the partition): ${fmt(cold)} ms.

${machine()}
${load}`);
  duck.closeSync();
} finally {
  await s.close();
}
