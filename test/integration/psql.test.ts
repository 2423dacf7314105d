import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPsql, type PsqlResult } from '../helpers/psql.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const run = promisify(execFile);
const psql = (...args: string[]): Promise<PsqlResult> => runPsql(server.port, ...args);

describe('psql', () => {
  it('runs -c and prints an aligned table', async () => {
    const r = await psql('-c', "SELECT 1::INTEGER AS a, 'two' AS b, true AS c");
    expect(r.code).toBe(0);
    expect(r.out).toBe([' a |  b  | c ', '---+-----+---', ' 1 | two | t', '(1 row)', '', ''].join('\n'));
  });

  it('runs a multi-statement -c (psql 15 prints every result)', async () => {
    const r = await psql('-At', '-c', 'SELECT 1; SELECT 2 AS x, 3 AS y');
    expect(r.code).toBe(0);
    expect(r.out).toBe('1\n2|3\n');
  });

  it('prints expanded output with \\x', async () => {
    const r = await psql('-c', '\\x on', '-c', "SELECT 42 AS answer, 'hello' AS greeting");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Expanded display is on\.\n-\[ RECORD 1 \]-+\nanswer +\| 42\ngreeting \| hello\n/);
  });

  it('prints PostgreSQL text forms (timestamptz, interval, numeric, arrays, NULL)', async () => {
    const r = await psql('-At', '-F', ',', '-c', "SELECT TIMESTAMPTZ '2026-01-02 03:04:05.5+00', INTERVAL '1 year 2 months 3 days 04:05:06', 1.50::DECIMAL(5,2), [1, NULL, 3], NULL");
    expect(r.out).toBe('2026-01-02 03:04:05.5+00,1 year 2 mons 3 days 04:05:06,1.50,{1,NULL,3},\n');
  });

  it('reports an error with ON_ERROR_STOP and exit code 1', async () => {
    const r = await psql('-v', 'ON_ERROR_STOP=1', '-c', 'SELECT * FROM nowhere');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERROR:\s+.*nowhere/);
  });

  it('refuses a database other than sirius with the PostgreSQL message', async () => {
    try {
      await run('psql', [`host=127.0.0.1 port=${server.port} dbname=postgres user=psql`, '-c', 'SELECT 1']);
      throw new Error('expected failure');
    } catch (e) {
      expect((e as { stderr: string }).stderr).toMatch(/FATAL:\s+database "postgres" does not exist/);
    }
  });
});
