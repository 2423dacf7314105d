/**
 * Failure categories for expected-failures.tsv: what a server engineer has to fix, or why the
 * PostgreSQL wire cannot carry DuckDB's answer. The first matching rule wins; a failure that
 * no rule explains is `unclassified` and must be looked at. docs/peer-tests.md describes
 * every category.
 */
import type { RecordResult } from './runner.js';

export interface FailureContext {
  file: string;
  /** The test file's text (for rules about what the file sets up). */
  text: string;
  /** The record passed when its file ran alone on a fresh server. */
  passesAlone: boolean;
  /** An earlier record of the file failed because DuckDB invalidated the database. */
  afterInvalidation: boolean;
}

interface Rule {
  category: string;
  applies(r: RecordResult, c: FailureContext): boolean;
}

const message = (r: RecordResult): string => r.message ?? '';
const INVALIDATED = /database has been invalidated|Attempted to (dereference|access index)/;

export const CATEGORIES: Record<string, string> = {
  'server:invalidated-database': 'a DuckDB INTERNAL error invalidated the shared database; every later statement of every session fails until restart',
  'server:settings-leak': 'passes when its file runs alone: a DuckDB setting SET by an earlier session reached this one',
  'server:statement-cache': 'the same SQL text ran earlier in the session: Sirius re-executes its cached DuckDB prepared statement, whose plan keeps stale statistics and settings',
  'server:ctas-count': 'CREATE TABLE … AS answers the command tag SELECT 0 instead of the number of rows',
  'server:search-path': 'SET search_path is kept by Sirius (SHOW answers it) but not applied to DuckDB: unqualified names do not resolve in the chosen schema',
  'server:duckdb-logs': 'duckdb_logs stays empty after CALL enable_logging in a session',
  'env:icu-loaded': 'the test expects a DuckDB without ICU (no `require icu`); Sirius always loads ICU, so the casts it expects to fail succeed',
  'runner:execute-types': 'STRUCT results of EXECUTE travel as json; the runner cannot DESCRIBE an EXECUTE to learn the member types',
};

const RULES: Rule[] = [
  { category: 'server:invalidated-database', applies: (r, c) => INVALIDATED.test(message(r)) || c.afterInvalidation },
  { category: 'server:settings-leak', applies: (_r, c) => c.passesAlone },
  { category: 'server:ctas-count', applies: (r) => /^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE\b[\s\S]*\bAS\b/i.test(r.sql ?? '') && r.kind === 'mismatch' },
  { category: 'server:search-path', applies: (r, c) => /^\s*SET\s+search_path\b/im.test(c.text) && /does not exist/.test(message(r)) },
  { category: 'server:duckdb-logs', applies: (r) => /duckdb_logs/.test(r.sql ?? '') },
  { category: 'runner:execute-types', applies: (r) => r.kind === 'unconvertible' && /^\s*EXECUTE\b/i.test(r.sql ?? '') },
  { category: 'env:icu-loaded', applies: (r, c) => r.kind === 'unexpected-success' && !/^require icu$/m.test(c.text) && /TIMESTAMPTZ/i.test(r.sql ?? '') },
  { category: 'server:statement-cache', applies: (r) => r.repeated === true },
];

export { INVALIDATED };

export function classify(r: RecordResult, context: FailureContext): { category: string; detail: string } {
  const rule = RULES.find((candidate) => candidate.applies(r, context));
  const detail = `${message(r).split('\n')[0]}${r.sql ? ` | ${r.sql.replace(/\s+/g, ' ')}` : ''}`;
  return { category: rule?.category ?? `unclassified:${r.kind}`, detail };
}
