/**
 * Small-query round trips: `SELECT 1` over 1 and over 8 connections with
 * pgbench (simple and extended protocol), Sirius vs PostgreSQL 15.
 *
 *   npm run build && npx tsx scripts/bench/roundtrip.ts [seconds=10]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machine, recordSection, startSirius } from './lib.js';

const SECONDS = Number(process.argv[2] ?? 10);

function pgbench(conn: string[], clients: number, mode: string, script: string): number {
  const out = execFileSync('pgbench', [...conn, '-n', '-f', script, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(SECONDS), '-M', mode], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  }).toString();
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`no tps in pgbench output:\n${out}`);
  return Number(m[1]);
}

/** The benchmark's statement, and one that DuckDB runs each time (not constant: src/server/constant-results.ts). */
const STATEMENTS = ['SELECT 1', 'SELECT random()'];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sirius-pgbench-'));
  const sirius = await startSirius({ SIRIUS_THREADS: '2' });
  const s = ['-h', '127.0.0.1', '-p', String(sirius.port), '-U', 'bench', 'sirius'];
  const r = ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', 'test'];
  const lines: string[] = [];
  try {
    for (const [i, sql] of STATEMENTS.entries()) {
      const script = join(dir, `statement${i}.sql`);
      writeFileSync(script, `${sql};\n`);
      for (const mode of ['simple', 'extended', 'prepared']) {
        for (const clients of [1, 8]) {
          const st = pgbench(s, clients, mode, script);
          const rt = pgbench(r, clients, mode, script);
          lines.push(`| \`${sql}\` | ${mode} | ${clients} | ${fmt(st)} | ${fmt(rt)} | **${(st / rt).toFixed(2)}×** |`);
          console.log(lines.at(-1));
        }
      }
    }
  } finally {
    await sirius.stop();
  }
  const body = `## Small-query round trips (issue 2)

\`npm run build && npx tsx scripts/bench/roundtrip.ts ${SECONDS}\` — pgbench \`-n -f <statement>.sql -T ${SECONDS} -M <mode>\`
(\`-j 2\` with 8 clients), tps against Sirius and PostgreSQL 15 in the same run. Goal: Sirius ≥ 0.5× PostgreSQL's
tps on \`SELECT 1\`-class queries. \`SELECT 1\` is a constant statement: Sirius replays DuckDB's first answer
(docs/decisions.md, "Constant statements answered without DuckDB"); \`SELECT random()\` is run by DuckDB every
time, which is what any statement over data costs at least.

| statement | protocol | connections | Sirius tps | PostgreSQL 15 tps | ratio |
|---|---|---|---|---|---|
${lines.join('\n')}

${machine()}`;
  console.log(body);
  recordSection('roundtrip', body);
}

await main();
