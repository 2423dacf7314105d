import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CheckResult } from './harness.js';

/**
 * expected-failures.tsv: the driver checks known to fail on Sirius, one line each —
 * suite, check, what Sirius does (`error <SQLSTATE or message fragment>` or `differs`), reason.
 * A listed check must still fail exactly that way; one that passes fails its test
 * ("fixed: remove it from the list"), as test/peer/expected-failures.tsv does for DuckDB's tests.
 */
export interface ExpectedFailure { suite: string; check: string; outcome: { kind: 'error'; fragment: string } | { kind: 'differs' }; reason: string }

const FILE = join(import.meta.dirname, 'expected-failures.tsv');

export function loadExpectedFailures(file = FILE): ExpectedFailure[] {
  const out: ExpectedFailure[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [suite, check, outcome, reason, ...rest] = line.split('\t');
    const m = /^(error) (.+)$|^(differs)$/.exec(outcome ?? '');
    if (!suite || !check || !m || !reason || rest.length) throw new Error(`${file}:${i + 1}: expected "suite<TAB>check<TAB>error <fragment>|differs<TAB>reason"`);
    out.push({ suite, check, outcome: m[1] ? { kind: 'error', fragment: m[2] } : { kind: 'differs' }, reason });
  });
  return out;
}

const describeResult = (r: CheckResult | undefined): string => (r === undefined ? 'no result' : r.ok ? `ok: ${JSON.stringify(r.value)}` : `${r.error?.sqlstate ?? 'no SQLSTATE'}: ${r.error?.message}`);

/** Asserts that Sirius still fails a listed check the listed way; `ref` (PostgreSQL's result, or the known telemetry value) must pass. */
export function expectListedFailure(listed: ExpectedFailure, got: CheckResult | undefined, ref: CheckResult, equal: (a: unknown, b: unknown) => boolean): void {
  const where = `listed in test/compat/drivers/expected-failures.tsv (${listed.reason})`;
  expect(ref.ok, `on PostgreSQL 15 (the program's own sanity): ${describeResult(ref)}`).toBe(true);
  const passes = got?.ok === true && equal(got.value, ref.value);
  expect(passes, `fixed: remove it from the list — ${where}`).toBe(false);
  if (listed.outcome.kind === 'differs') {
    expect(got?.ok, `${where}: expected a different value, got ${describeResult(got)}`).toBe(true);
    return;
  }
  const { fragment } = listed.outcome;
  const matches = got?.ok === false && (got.error?.sqlstate === fragment || (got.error?.message ?? '').includes(fragment));
  expect(matches, `${where}: expected an error with "${fragment}", got ${describeResult(got)}`).toBe(true);
}
