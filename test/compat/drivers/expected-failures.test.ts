import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expectListedFailure, loadExpectedFailures, type ExpectedFailure } from './expected-failures.js';

/** The discipline of expected-failures.tsv itself: a listed check must keep failing the listed way. */
const OK = { ok: true, value: [1] };
const error: ExpectedFailure = { suite: 's', check: 'c', outcome: { kind: 'error', fragment: '22023' }, reason: 'r' };
const differs: ExpectedFailure = { suite: 's', check: 'c', outcome: { kind: 'differs' }, reason: 'r' };
const check = (f: ExpectedFailure, got: unknown): void => expectListedFailure(f, got as never, OK, isDeepStrictEqual);

describe('expected-failures.tsv', () => {
  it('parses the file the suites read, every line complete', () => {
    const all = loadExpectedFailures();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((f) => `${f.suite}\t${f.check}`)).size).toBe(all.length);
  });

  it('refuses a malformed line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'xf-')), 'x.tsv');
    writeFileSync(file, 'suite\tcheck\tbroken\treason\n');
    expect(() => loadExpectedFailures(file)).toThrow(/x\.tsv:1/);
  });

  it('a listed check that now passes fails with "fixed: remove it from the list"', () => {
    expect(() => check(error, OK)).toThrow(/fixed: remove it from the list/);
    expect(() => check(differs, OK)).toThrow(/fixed: remove it from the list/);
  });

  it('the failure must be the listed one', () => {
    expect(() => check(error, { ok: false, error: { sqlstate: '22023', message: 'x' } })).not.toThrow();
    expect(() => check(error, { ok: false, error: { sqlstate: '42601', message: 'x' } })).toThrow(/expected an error with "22023"/);
    expect(() => check(error, { ok: true, value: [2] })).toThrow(/expected an error/);
    expect(() => check(differs, { ok: true, value: [2] })).not.toThrow();
    expect(() => check(differs, { ok: false, error: { sqlstate: '42601', message: 'x' } })).toThrow(/expected a different value/);
  });
});
