/**
 * The peer suite on disk: which DuckDB test files are runnable over one session
 * (/work/shared/peer-tests, minus SKIPPED.tsv) and which records are known to fail
 * (expected-failures.tsv next to this file).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEER_ROOT = fileURLToPath(new URL('../../../shared/peer-tests/duckdb-sqllogictest', import.meta.url));
export const EXPECTED_FAILURES_PATH = fileURLToPath(new URL('./expected-failures.tsv', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.test') ? [path] : [];
  });
}

/** Paths relative to PEER_ROOT (`sql/types/…/x.test`), sorted, without SKIPPED.tsv's files. */
export function runnableFiles(): string[] {
  const skipped = new Set(
    readFileSync(join(PEER_ROOT, 'SKIPPED.tsv'), 'utf8').split('\n')
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((l) => l.split('\t')[0]),
  );
  return walk(join(PEER_ROOT, 'sql')).map((p) => p.slice(PEER_ROOT.length + 1)).filter((f) => !skipped.has(f)).sort();
}

export interface ExpectedFailure {
  file: string;
  line: number;
  category: string;
  detail: string;
}

export const keyOf = (file: string, line: number): string => `${file}:${line}`;

const HEADER = [
  '# Records of the DuckDB peer suite that fail over the wire today, one per line:',
  '# file<TAB>line of the statement/query header<TAB>category<TAB>detail. See docs/peer-tests.md.',
  '# A listed record that passes fails the suite: delete its line.',
];

export function readExpectedFailures(): Map<string, ExpectedFailure> {
  const entries = new Map<string, ExpectedFailure>();
  for (const line of readFileSync(EXPECTED_FAILURES_PATH, 'utf8').split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const [file, lineText, category, detail = ''] = line.split('\t');
    const entry = { file, line: Number(lineText), category, detail };
    if (!Number.isInteger(entry.line) || category === undefined) throw new Error(`expected-failures.tsv: malformed line: ${line}`);
    entries.set(keyOf(file, entry.line), entry);
  }
  return entries;
}

export function writeExpectedFailures(entries: ExpectedFailure[]): void {
  const clean = (s: string): string => s.replace(/[\t\n\r]+/g, ' ').slice(0, 160);
  const sorted = [...entries].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const body = sorted.map((e) => [e.file, e.line, e.category, clean(e.detail)].join('\t'));
  writeFileSync(EXPECTED_FAILURES_PATH, `${[...HEADER, ...body].join('\n')}\n`);
}
