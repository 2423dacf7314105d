/**
 * The peer suite outside vitest, for investigating failures:
 *   npx tsx test/peer/run-peer.ts [--report out.json] [--update] [--concurrency N] [file-substring ...]
 * --report writes every record's result as JSON; --update rewrites expected-failures.tsv from
 * this run's failures (categories from classify.ts; review the diff before committing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, classify, INVALIDATED } from './classify.js';
import type { FileResult } from './runner.js';
import { type ExpectedFailure, PEER_ROOT, runnableFiles, writeExpectedFailures } from './suite.js';
import { type RestartableServer, restartableServer } from './server.js';
import { runSuite } from './suite-run.js';

interface Args { report: string | null; update: boolean; concurrency: number; filters: string[] }

function parseArgs(argv: string[]): Args {
  const args: Args = { report: null, update: false, concurrency: 3, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--report') args.report = argv[++i];
    else if (argv[i] === '--update') args.update = true;
    else if (argv[i] === '--concurrency') args.concurrency = Number(argv[++i]);
    else args.filters.push(argv[i]);
  }
  return args;
}

function summarize(results: FileResult[]): void {
  const counts = { pass: 0, fail: 0, skip: 0 };
  const kinds = new Map<string, number>();
  for (const r of results.flatMap((f) => f.records)) {
    counts[r.status]++;
    if (r.status === 'fail') kinds.set(r.kind ?? '?', (kinds.get(r.kind ?? '?') ?? 0) + 1);
  }
  console.log(counts, Object.fromEntries(kinds));
  const slow = [...results].sort((a, b) => b.ms - a.ms).slice(0, 8).map((r) => `${r.file} ${r.ms}ms`);
  console.log('slowest:', slow.join(', '));
}

/** Lines of `file` that pass when the file runs alone on a fresh server (no other session's settings). */
async function passingAlone(file: string, server: RestartableServer): Promise<Set<number>> {
  await server.restart();
  const [result] = await runSuite([file], { server, concurrency: 1, statementTimeoutMs: 60_000 });
  return new Set(result.records.filter((r) => r.status === 'pass').map((r) => r.line));
}

async function classifyFailures(results: FileResult[], server: RestartableServer): Promise<ExpectedFailure[]> {
  const failures: ExpectedFailure[] = [];
  for (const f of results) {
    const failing = f.records.filter((r) => r.status === 'fail');
    if (failing.length === 0) continue;
    const alone = await passingAlone(f.file, server);
    const text = readFileSync(join(PEER_ROOT, f.file), 'utf8');
    let afterInvalidation = false;
    for (const r of failing) {
      failures.push({ file: f.file, line: r.line, ...classify(r, { file: f.file, text, passesAlone: alone.has(r.line), afterInvalidation }) });
      afterInvalidation ||= INVALIDATED.test(r.message ?? '');
    }
  }
  return failures;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const files = runnableFiles().filter((f) => args.filters.length === 0 || args.filters.some((s) => f.includes(s)));
  const server = await restartableServer();
  const started = Date.now();
  try {
    const results = await runSuite(files, { server, concurrency: args.concurrency, statementTimeoutMs: 60_000 });
    console.log(`${files.length} files in ${Date.now() - started} ms, ${server.restarts} server restart(s)`);
    summarize(results);
    if (args.report !== null) writeFileSync(args.report, JSON.stringify(results, null, 1));
    if (args.update) {
      const failures = await classifyFailures(results, server);
      writeExpectedFailures(failures);
      console.log(`expected-failures.tsv: ${failures.length} records`);
      const byCategory = new Map<string, number>();
      for (const f of failures) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
      for (const [category, count] of [...byCategory].sort((a, b) => b[1] - a[1])) console.log(`${String(count).padStart(5)}  ${category}: ${CATEGORIES[category] ?? 'UNCLASSIFIED: add a rule to classify.ts'}`);
    }
  } finally {
    await server.close();
  }
}

await main();
