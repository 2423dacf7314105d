import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../../src/cli/generate.js';
import { referencePg, startTestServer, type TestServer } from '../../helpers/sirius.js';
import { expectListedFailure, loadExpectedFailures } from './expected-failures.js';

/**
 * The differential harness of the driver suites: a client program runs the same named checks
 * against PostgreSQL 15 and against Sirius (with generated telemetry) and prints
 * `{check: {ok, value} | {ok: false, error: {sqlstate, message}}}`; every check must succeed
 * on both and give the same value. Telemetry checks run on Sirius only and are compared with
 * the generator's known counts. Checks listed in expected-failures.tsv must fail the listed way.
 */
export const DRIVERS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Target { host: string; port: number; database: string; user: string; pid: string | null }
export interface CheckResult { ok: boolean; value?: unknown; error?: { sqlstate: string | null; message: string } }
export type Results = Record<string, CheckResult>;

/** What the generator sends: P processes × L logs each. */
export const GENERATED = { processes: 2, logsPerProcess: 300, metricsPerProcess: 120 };

export const TYPE_NAMES: string[] = (JSON.parse(readFileSync(join(DRIVERS_DIR, 'types.json'), 'utf8')) as { types: { name: string }[] }).types.map((t) => t.name);
export const TYPE_CHECKS = TYPE_NAMES.map((n) => `type ${n}`);

export const pgTarget: Target = { host: String(referencePg.host), port: Number(referencePg.port), database: String(referencePg.database), user: String(referencePg.user), pid: null };

export async function startGenerated(): Promise<{ server: TestServer; target: Target }> {
  const server = await startTestServer();
  const r = await generate({
    url: server.ingestUrl, processes: GENERATED.processes, logEvents: GENERATED.logsPerProcess,
    metricEvents: GENERATED.metricsPerProcess, spanEvents: 0, startUs: Date.UTC(2026, 0, 1) * 1000,
    durationUs: 3_600_000_000, seed: 6, timeoutMs: 30_000, blockEvents: 128,
  });
  if (!r.acknowledged) throw new Error('the generator was not acknowledged');
  return { server, target: { host: server.host, port: server.port, database: 'sirius', user: 'driver', pid: r.processIds[0] } };
}

/** Runs `cmd args… <target JSON>` and parses its one line of JSON output. */
export async function runProgram(cmd: string, args: string[], target: Target, env: NodeJS.ProcessEnv = {}, cwd = DRIVERS_DIR): Promise<Results> {
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    execFile(cmd, [...args, JSON.stringify(target)], { cwd, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code} against port ${target.port}:\n${stderr}\n${stdout}`);
  return JSON.parse(stdout) as Results;
}

const describeError = (r: CheckResult | undefined): string => (r ? `${r.error?.sqlstate ?? 'no SQLSTATE'}: ${r.error?.message}` : 'the program did not report this check');

/**
 * One `it` per named check. `checks` are compared between PostgreSQL and Sirius;
 * `telemetry` maps a Sirius-only check to its expected value.
 */
export function differentialSuite(client: string, checks: string[], telemetry: Record<string, unknown>, run: (t: Target) => Promise<Results>): void {
  const listed = new Map(loadExpectedFailures().filter((f) => f.suite === client).map((f) => [f.check, f]));
  describe(`${client} against PostgreSQL 15 and Sirius`, () => {
    let server: TestServer | undefined;
    let onPg: Results = {};
    let onSirius: Results = {};

    beforeAll(async () => {
      const started = await startGenerated();
      server = started.server;
      [onPg, onSirius] = await Promise.all([run(pgTarget), run(started.target)]);
    }, 300_000);

    afterAll(async () => {
      await server?.close();
    });

    it('the program reports exactly the listed checks', () => {
      const all = [...checks, ...Object.keys(telemetry)].sort();
      expect(Object.keys(onSirius).sort()).toEqual(all);
      expect(Object.keys(onPg).sort()).toEqual(checks.slice().sort());
      expect([...listed.keys()].filter((c) => !all.includes(c)), 'expected-failures.tsv lists checks this suite does not have').toEqual([]);
    });

    for (const name of checks) {
      const failure = listed.get(name);
      if (failure) {
        it(`${name} (expected failure)`, () => expectListedFailure(failure, onSirius[name], onPg[name], isDeepStrictEqual));
        continue;
      }
      it(name, () => {
        const ref = onPg[name];
        expect(ref?.ok, `on PostgreSQL 15 (the program's own sanity): ${describeError(ref)}`).toBe(true);
        const got = onSirius[name];
        expect(got?.ok, `on Sirius: ${describeError(got)}`).toBe(true);
        expect(got.value, 'Sirius and PostgreSQL 15 differ').toEqual(ref.value);
      });
    }

    for (const name of Object.keys(telemetry)) {
      const failure = listed.get(name);
      if (failure) {
        it(`${name} (expected failure)`, () => expectListedFailure(failure, onSirius[name], { ok: true, value: telemetry[name] }, isDeepStrictEqual));
        continue;
      }
      it(name, () => {
        const got = onSirius[name];
        expect(got?.ok, `on Sirius: ${describeError(got)}`).toBe(true);
        expect(got.value).toEqual(telemetry[name]);
      });
    }
  });
}

/** The two telemetry checks every program runs on Sirius, with the counts the generator sent. */
export const TELEMETRY: Record<string, unknown> = {
  'telemetry: count(*) FROM log_entries': GENERATED.processes * GENERATED.logsPerProcess,
  'telemetry: view_instance with a literal id': GENERATED.logsPerProcess,
  'telemetry: view_instance with a parameter': GENERATED.logsPerProcess,
};

/** The Python interpreter Debian's python3-psycopg2/-psycopg/-asyncpg packages install into. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** Keeps the programs from writing __pycache__ into the source tree. */
export const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1' };
