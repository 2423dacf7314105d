import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * A query that fails after some of its rows were streamed must end with an
 * ErrorResponse, never with a CommandComplete that makes a truncated result
 * look whole (@duckdb/node-bindings' fetch_chunk answers null for such a
 * failure; src/engine/run-prepared.ts asks the result for its error).
 */
let server: TestServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  client = await server.client();
});

afterAll(async () => {
  await client?.end();
  await server?.close();
});

const LATE_FAILURE = `SELECT CASE WHEN i = 2500000 THEN error('late failure') ELSE i END AS v FROM range(3000000) t(i)`;

/**
 * The row's own error (22023), or — when the failing row was in another of DuckDB's threads, which DuckDB
 * sometimes reports only as "Interrupted!" — an XX000 that says so. Never a 57014 (nobody canceled) and
 * never a result that looks complete.
 */
function expectLateFailure(err: pg.DatabaseError | null): void {
  expect(err).not.toBeNull();
  if (err!.code === '22023') expect(err!.message).toMatch(/late failure/);
  else expect(err).toMatchObject({ code: 'XX000', message: expect.stringMatching(/worker threads, which reported only "Interrupted!"/) });
}

describe('errors in the middle of a streamed result', () => {
  it('reach the client over the simple protocol', async () => {
    const err = await client.query(LATE_FAILURE).then(() => null, (e: pg.DatabaseError) => e);
    expectLateFailure(err);
    expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('reach the client over the extended protocol', async () => {
    const err = await client.query({ text: LATE_FAILURE.replace('2500000', '$1::BIGINT'), values: [2_500_000] }).then(() => null, (e: pg.DatabaseError) => e);
    expectLateFailure(err);
    expect((await client.query({ text: 'SELECT $1::INT AS ok', values: [2] })).rows).toEqual([{ ok: 2 }]);
  });
});
