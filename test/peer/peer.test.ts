/**
 * DuckDB's own sqllogictest files, run over the PostgreSQL wire against a real Sirius: every
 * record must give DuckDB's answer (converted from PostgreSQL's text forms), except the
 * records listed in expected-failures.tsv. A listed record that passes fails too, so the
 * list only shrinks. How it works and what the failures mean: docs/peer-tests.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from './classify.js';
import type { FileResult, RecordResult } from './runner.js';
import { type RestartableServer, restartableServer } from './server.js';
import { type ExpectedFailure, keyOf, readExpectedFailures, runnableFiles } from './suite.js';
import { runSuite } from './suite-run.js';

/** Files run at once (files that change settings run alone, see suite-run.ts). */
const CONCURRENCY = 3;
const STATEMENT_TIMEOUT_MS = 60_000;

const files = runnableFiles();
const expected = readExpectedFailures();
const results = new Map<string, FileResult>();
let server: RestartableServer | undefined;

beforeAll(async () => {
  server = await restartableServer();
  for (const r of await runSuite(files, { server, concurrency: CONCURRENCY, statementTimeoutMs: STATEMENT_TIMEOUT_MS })) {
    results.set(r.file, r);
  }
}, 300_000);

afterAll(async () => {
  await server?.close();
});

function describeFailure(r: RecordResult): string {
  const sql = r.sql === undefined ? '' : ` | SQL: ${r.sql.replace(/\s+/g, ' ').slice(0, 200)}`;
  return `line ${r.line} [${r.kind}] ${(r.message ?? '').slice(0, 400)}${sql}`;
}

/** What is wrong with a file's results against the list: unlisted failures, listed records that did not fail. */
function problems(file: string, result: FileResult): string[] {
  const listed = [...expected.values()].filter((e) => e.file === file);
  const out: string[] = [];
  for (const r of result.records) {
    if (r.status === 'fail' && !expected.has(keyOf(file, r.line))) out.push(`unexpected failure: ${describeFailure(r)}`);
  }
  const byLine = new Map(result.records.map((r) => [r.line, r]));
  for (const e of listed) {
    const r = byLine.get(e.line);
    if (r?.status === 'fail') continue;
    const now = r === undefined ? 'is not a record of this file' : r.status === 'pass' ? 'passes now' : `was skipped (${r.message})`;
    out.push(`line ${e.line} (listed as ${e.category}) ${now}: delete it from expected-failures.tsv`);
  }
  return out;
}

describe('DuckDB sqllogictest files over the PostgreSQL wire', () => {
  it('expected-failures.tsv names only runnable files', () => {
    const known = new Set(files);
    const strays: ExpectedFailure[] = [...expected.values()].filter((e) => !known.has(e.file));
    expect(strays).toEqual([]);
  });

  it('gives every listed record a documented category (classify.ts, docs/peer-tests.md)', () => {
    const undocumented = [...expected.values()].filter((e) => CATEGORIES[e.category] === undefined);
    expect(undocumented).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const result = results.get(file);
    expect(result, 'the suite did not run this file').toBeDefined();
    expect(problems(file, result!)).toEqual([]);
  });
});
